package accesscode

import (
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
)

func TestQueryValidate(t *testing.T) {
	for _, tc := range []struct {
		q   Query
		err string
	}{
		{Query{Limit: 101}, "limit: 101 is outside 0 to 100"},
		{Query{Limit: -1}, "limit: -1 is outside 0 to 100"},
		{Query{Limit: 1, Offset: 101}, "offset: 101 is outside 0 to 100"},
		{Query{Limit: 1, Filter: Filter{MediaType: 3}}, "mediatypeId: 3 is not one of"},
		{Query{Limit: 1, Filter: Filter{Description: "\xff"}}, "description: is not valid UTF-8"},
		{Query{Limit: 1, Filter: Filter{AccessCode: "99\xff"}}, "accessCode: is not valid UTF-8"},
	} {
		if err := tc.q.Validate(); aiccd.KindOf(err) != aiccd.KindInvalid || !strings.HasPrefix(aiccd.MessageOf(err, ""), tc.err) {
			t.Errorf("%+v: %v, want %q", tc.q, err, tc.err)
		}
	}
	if err := (Query{Limit: 100, Offset: 100}).Validate(); err != nil {
		t.Error(err)
	}
}
