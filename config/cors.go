package config

import (
	"fmt"
	"net/url"
	"strings"
)

// maxCORSOrigins bounds the origins of cors-origins.
const maxCORSOrigins = 64

// CORSOriginList returns the origins of cors-origins: "*" alone, or
// origins as browsers send them in Origin (scheme://host[:port], no path),
// compared exactly; none when it is empty.
func (c Config) CORSOriginList() ([]string, error) {
	if strings.TrimSpace(c.CORSOrigins) == "" {
		return nil, nil
	}
	var out []string
	for o := range strings.SplitSeq(c.CORSOrigins, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
				u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Scheme+"://"+u.Host != o || strings.ToLower(o) != o {
				return nil, fmt.Errorf("cors-origins: %q is not an origin as browsers send it: scheme://host[:port], lower case, no path or trailing slash (or * for every origin)", o)
			}
		}
		out = append(out, o)
	}
	if len(out) > maxCORSOrigins {
		return nil, fmt.Errorf("cors-origins: %d origins; at most %d", len(out), maxCORSOrigins)
	}
	if len(out) > 1 && strings.Contains(","+strings.Join(out, ",")+",", ",*,") {
		return nil, fmt.Errorf("cors-origins: * allows every origin; give it alone")
	}
	return out, nil
}
