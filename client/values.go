package client

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// Values whose JSON type the vendor's pages leave open, or that the
// platform's clients send both ways (docs/compatibility.md): the client
// accepts either form.

// Code is a return code that arrives as a JSON string or number: a CC
// returnCode ("0", "000"), or a SmartCare one sent as a string by
// platforms that follow the page's table rather than its example.
type Code string

// UnmarshalJSON accepts "0" and 0 alike.
func (c *Code) UnmarshalJSON(b []byte) error {
	s, _ := flexCode(b)
	if s == "null" {
		s = ""
	}
	*c = Code(s)
	return nil
}

// Int is the code as a number, and -1 when it is not one.
func (c Code) Int() int {
	n, err := strconv.Atoi(string(c))
	if err != nil {
		return -1
	}
	return n
}

// Millis is a time in epoch milliseconds, sent as a JSON number (the
// pages' createDate, expiryDate) or a string of digits.
type Millis int64

// UnmarshalJSON accepts 1681203525000 and "1681203525000" alike.
func (m *Millis) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*m = 0
		return nil
	}
	b = bytes.Trim(b, `"`)
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("client: %q is not a time in epoch milliseconds", b)
	}
	*m = Millis(n)
	return nil
}

// Time is m as a time.Time in UTC.
func (m Millis) Time() time.Time { return time.UnixMilli(int64(m)).UTC() }

// flexString is a string the server may send as a JSON number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	s, _ := flexCode(b)
	if s == "null" {
		s = ""
	}
	*f = flexString(s)
	return nil
}
