package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database"
)

// countingStore counts the searches that reach the store.
type countingStore struct {
	accesscode.Store
	searches atomic.Int64
}

func (s *countingStore) Search(ctx context.Context, tenantID string, f accesscode.Filter, p accesscode.Paging) (accesscode.Page, error) {
	s.searches.Add(1)
	return s.Store.Search(ctx, tenantID, f, p)
}

// testAccessCodeMemory holds the in-memory search of small tenants to the
// store's: on random data, random queries and random writes made by
// another service (as another replica or the admin CLI would), a service
// that follows the change feed answers exactly as one that reads the
// store every time, and reads the store only to load a tenant; a tenant
// above accesscode.MemoryMaxCodes is searched in the store, and the same
// search is not made again until the tenant's codes change.
func testAccessCodeMemory(t *testing.T, db *database.DB) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	plain := accessCodeService(t, db, "mem-small", "mem-large")
	hub := changefeed.NewHub(nil)
	counted := &countingStore{Store: db.AccessCodes}
	held := accesscode.NewService(accesscode.Options{Store: counted, Clock: aiccd.ClockFunc(func() time.Time { return testTime }), IDs: counter{&nextID}, Feed: hub})
	done := make(chan struct{})
	go func() { db.Feed.Follow(ctx, hub); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); !hub.Live(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the feed did not start within 10 s")
		}
	}

	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []string{"a", "B", "c", "%", "_", `\`, " ", "热", "线", "Σ", "σ", "ß", "İ"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	draft := func() accesscode.Draft {
		d := accesscode.Draft{Code: fmt.Sprint(rng.IntN(100_000)), MediaType: accesscode.MediaTypes[rng.IntN(5)], CallAttr: 3}
		if rng.IntN(5) > 0 {
			d.Description = str(word(1 + rng.IntN(8)))
		}
		return d
	}
	fill := func(tenantID string, n int) []int64 {
		seen := map[string]bool{}
		var acs []accesscode.AccessCode
		for len(acs) < n {
			a, err := plain.Prepare(tenantID, draft())
			if err != nil {
				t.Fatal(err)
			}
			if !seen[a.Code] {
				seen[a.Code] = true
				acs = append(acs, a)
			}
		}
		if err := plain.CreateBatch(ctx, tenantID, acs); err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, n)
		for i, a := range acs {
			ids[i] = a.ID
		}
		return ids
	}
	small := fill("mem-small", 300)
	large := fill("mem-large", accesscode.MemoryMaxCodes+1)

	query := func() accesscode.Query {
		var q accesscode.Query
		if rng.IntN(2) == 0 {
			q.Description = word(1 + rng.IntN(3))
		}
		if rng.IntN(3) == 0 {
			q.AccessCode = fmt.Sprint(rng.IntN(1000))
		}
		if rng.IntN(4) == 0 {
			q.MediaType = accesscode.MediaTypes[rng.IntN(5)]
		}
		q.Limit, q.Offset = rng.IntN(101), rng.IntN(101)
		if rng.IntN(3) == 0 {
			q.Offset = rng.IntN(5)
		}
		return q
	}
	compare := func(tenantID string, q accesscode.Query) {
		t.Helper()
		want, err := plain.Query(ctx, tenantID, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := held.Query(ctx, tenantID, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s %+v: from memory %d %v, from the store %d %v", tenantID, q, got.Total, codesOf(got.Items), want.Total, codesOf(want.Items))
		}
	}

	// Another replica writes; this one must see it once its feed has
	// confirmed an instant after the commit.
	write := func(tenantID string, ids []int64) {
		switch rng.IntN(3) {
		case 0:
			if _, err := plain.Add(ctx, tenantID, draft()); err != nil && !strings.Contains(err.Error(), "already exists") {
				t.Fatal(err)
			}
		case 1:
			_, err := plain.Update(ctx, tenantID, ids[rng.IntN(len(ids))], accesscode.Patch{Description: str(word(1 + rng.IntN(6)))})
			if err != nil && !strings.Contains(err.Error(), "does not exist") {
				t.Fatal(err)
			}
		default:
			if err := plain.Delete(ctx, tenantID, ids[rng.IntN(len(ids))]); err != nil && !strings.Contains(err.Error(), "does not exist") {
				t.Fatal(err)
			}
		}
		hub.Sync(ctx)
	}

	const queries = 600
	var writes int
	for i := range queries {
		if i%20 == 19 {
			writes++
			write("mem-small", small)
		}
		compare("mem-small", query())
	}
	// Each write costs the next search a load (two store searches); the
	// others are answered from memory, but for those made while the feed
	// was late to confirm (a loaded machine), which read through.
	if n := counted.searches.Load(); n > queries/2 {
		t.Errorf("%d searches of a tenant of %d codes, %d writes: the store was searched %d times; want about %d (loads)", queries, len(small), writes, n, 2*(writes+1))
	}

	// A large tenant is searched in the store, and its answers are
	// remembered until any of its codes changes: the first of the asked
	// queries counts all codes, which every addition or deletion changes.
	asked := []accesscode.Query{{Limit: 10}}
	for range 7 {
		asked = append(asked, query())
	}
	before := counted.searches.Load()
	writes = 0
	const largeQueries = 200
	for i := range largeQueries {
		if i%40 == 39 {
			writes++
			write("mem-large", large)
			compare("mem-large", asked[0])
		}
		compare("mem-large", asked[rng.IntN(len(asked))])
	}
	// Each write costs a load (one count) and the next asking of each
	// query.
	if n := counted.searches.Load() - before; n > largeQueries/2 {
		t.Errorf("%d searches of %d queries of a tenant of %d codes, %d writes: the store was searched %d times; want about %d", largeQueries, len(asked), accesscode.MemoryMaxCodes+1, writes, n, (writes+1)*(len(asked)+1))
	}
}
