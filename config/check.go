package config

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// checkValue tells whether v, as a file or the environment gives it for
// key, reads as the setting's type, and says what is wrong if not. The
// decoder would read it leniently or fail with a message that names
// neither the file nor the variable: a duration given as a bare number
// would be nanoseconds, and "lots" a failure of strconv.
func checkValue(key string, v any) error {
	def, ok := toMap(Default())[key]
	if !ok {
		return nil
	}
	switch def.(type) {
	case bool:
		switch x := v.(type) {
		case bool:
			return nil
		case string:
			if _, err := strconv.ParseBool(x); err == nil {
				return nil
			}
		}
		return fmt.Errorf("%v is not true or false", quoted(v))
	case int, int64:
		switch x := v.(type) {
		case int, int64:
			return nil
		case float64:
			if x == math.Trunc(x) {
				return nil
			}
		case string:
			if _, err := strconv.ParseInt(x, 10, 64); err == nil {
				return nil
			}
		}
		return fmt.Errorf("%v is not a whole number", quoted(v))
	case float64:
		switch x := v.(type) {
		case int, int64, float64:
			return nil
		case string:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return nil
			}
		}
		return fmt.Errorf("%v is not a number", quoted(v))
	case time.Duration:
		text := fmt.Sprint(v)
		if _, err := time.ParseDuration(text); err == nil {
			return nil
		}
		if n, err := strconv.ParseFloat(text, 64); err == nil && n != 0 {
			return fmt.Errorf("%s has no unit; write a duration such as %ss or %sms", text, text, text)
		}
		return fmt.Errorf("%v is not a duration such as 30s, 2m or 1h30m", quoted(v))
	case string:
		switch v.(type) {
		case string, int, int64, float64, bool:
			return nil
		}
		return fmt.Errorf("%v is not a single value", quoted(v))
	}
	return nil
}

func quoted(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}
