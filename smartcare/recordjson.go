package smartcare

import (
	"strconv"
	"unicode/utf8"
)

// Decoding a record line with encoding/json's reflection costs about 4 µs,
// which alone would hold an NDJSON import to 250,000 records/s per core.
// fastRecordJSON decodes the common shape of a line, the one generators
// and exports write, in a fraction of that; anything else (escapes, other
// keys, key case variants, nested values, invalid UTF-8, malformed input)
// makes it give up, and the line goes through encoding/json as before.
// It never accepts a line that encoding/json would read differently: a
// differential fuzz test holds it to that.

// fastRecordJSON fills v from line when the line is plain; ok is false
// when the line needs encoding/json.
func fastRecordJSON(line []byte, v *recordJSON, dims *DimensionsBuilder) (ok bool) {
	d := jsonScanner{b: line}
	if !d.byte('{') {
		return false
	}
	var seenM, seenT, seenS, seenD bool
	if d.peek('}') {
		d.i++
		return d.end()
	}
	for {
		key, ok := d.str()
		if !ok || !d.byte(':') {
			return false
		}
		switch key {
		case FieldMSISDN:
			if seenM {
				return false
			}
			seenM = true
			if v.MSISDN, ok = d.str(); !ok {
				return false
			}
		case FieldEventTime:
			if seenT {
				return false
			}
			seenT = true
			d.space()
			start := d.i
			if d.i < len(d.b) && d.b[d.i] == '"' {
				if _, ok := d.str(); !ok {
					return false
				}
			} else if !d.digits() {
				return false
			}
			v.EventTime = line[start:d.i]
		case FieldSceneCode:
			if seenS {
				return false
			}
			seenS = true
			if v.SceneCode, ok = d.str(); !ok {
				return false
			}
		case "dimensions":
			if seenD || !d.byte('{') {
				return false
			}
			seenD = true
			if d.peek('}') {
				d.i++
			} else {
				var keys [MaxRecordDimensions + 1]string
				n := 0
				for {
					k, ok := d.str()
					if !ok || !d.byte(':') || n == len(keys) {
						return false
					}
					// encoding/json keeps the last of a key given twice,
					// even an empty one: leave such lines to it.
					for _, seen := range keys[:n] {
						if seen == k {
							return false
						}
					}
					keys[n] = k
					n++
					val, ok := d.str()
					if !ok {
						return false
					}
					if dims.Add(k, val) != nil {
						// Let encoding/json's path report it.
						return false
					}
					if d.peek(',') {
						d.i++
						continue
					}
					if !d.byte('}') {
						return false
					}
					break
				}
			}
		default:
			return false
		}
		if d.peek(',') {
			d.i++
			continue
		}
		if !d.byte('}') {
			return false
		}
		return d.end()
	}
}

// jsonScanner reads the plain JSON of a record line.
type jsonScanner struct {
	b []byte
	i int
}

func (d *jsonScanner) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// byte consumes c after blanks.
func (d *jsonScanner) byte(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// peek reports whether c comes next, after blanks, without consuming it.
func (d *jsonScanner) peek(c byte) bool {
	d.space()
	return d.i < len(d.b) && d.b[d.i] == c
}

// str reads a string without escapes, of valid UTF-8.
func (d *jsonScanner) str() (string, bool) {
	if !d.byte('"') {
		return "", false
	}
	start := d.i
	ascii := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(s) {
				return "", false
			}
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return "", false
}

// digits reads a non-negative integer without leading zeros, the form of
// epoch milliseconds.
func (d *jsonScanner) digits() bool {
	start := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	n := d.i - start
	return n > 0 && !(n > 1 && d.b[start] == '0')
}

// end reports whether only blanks remain.
func (d *jsonScanner) end() bool {
	d.space()
	return d.i == len(d.b)
}

// AppendRecordJSON appends r as one NDJSON line of the form FromJSON
// reads, newline included: what generators and exports write.
func AppendRecordJSON(dst []byte, r Record) []byte {
	dst = append(dst, `{"msisdn":`...)
	dst = appendJSONString(dst, r.MSISDN)
	dst = append(dst, `,"eventTime":`...)
	dst = strconv.AppendInt(dst, r.EventTime.UnixMilli(), 10)
	dst = append(dst, `,"ccmSceneCode":`...)
	dst = appendJSONString(dst, r.SceneCode)
	dst = append(dst, `,"dimensions":{`...)
	for i, d := range r.Dimensions {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, d.Key)
		dst = append(dst, ':')
		dst = appendJSONString(dst, d.Value)
	}
	return append(dst, "}}\n"...)
}

// appendJSONString appends s as a JSON string. s is valid UTF-8 (records
// are checked when parsed), so only quotes, backslashes and control
// characters need escaping.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
