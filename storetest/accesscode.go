package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/tenant"
)

// counter hands out IDs 1, 2, 3, … so that tests know them; it is shared
// by every test of a database, whose IDs must not clash.
type counter struct{ n *atomic.Int64 }

func (c counter) NextID() int64 { return c.n.Add(1) }

var nextID atomic.Int64

var testTime = time.Date(2023, 4, 11, 8, 58, 45, 0, time.UTC)

func accessCodeService(t *testing.T, db *database.DB, tenants ...string) *accesscode.Service {
	t.Helper()
	for _, id := range tenants {
		if err := db.Tenants.Create(context.Background(), tenant.Tenant{ID: id, CreatedAt: testTime, UpdatedAt: testTime}); err != nil && !errors.Is(err, aiccd.ErrConflict) {
			t.Fatal(err)
		}
	}
	return accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: aiccd.ClockFunc(func() time.Time { return testTime }), IDs: counter{&nextID}})
}

func str(s string) *string { return &s }

// testAccessCodes runs the access code contract's parts, each on a
// database of its own: the in-memory search first, alone, because a
// loaded machine delays its feed, and a late feed makes every search read
// the store (correct, but slower still); then the others in parallel.
func testAccessCodes(t *testing.T, open Open) {
	t.Run("in memory", func(t *testing.T) { testAccessCodeMemory(t, open(t)) })
	runParallel(t, open,
		part{"crud", testAccessCodeCRUD},
		part{"batch", testAccessCodeBatch},
		part{"search", testAccessCodeSearch},
		part{"paging", testAccessCodePaging},
		part{"search after writes", testAccessCodeSearchAfterWrites},
		part{"isolation", testAccessCodeIsolation},
		part{"against a reference", testAccessCodeReference},
		part{"longest codes", testAccessCodeLongest},
		part{"routes", testCalledRoutes},
	)
}

func testAccessCodeCRUD(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "crud")
	s := db.AccessCodes

	// An ID of the vendor's shape, chosen by the caller.
	a, err := svc.Add(ctx, "crud", accesscode.Draft{ID: 1124167935465630001, Code: "9911411", MediaType: 5, CallAttr: 3})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "crud", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "9911411" || got.Description != nil || got.N400Number != nil || got.MediaType != 5 ||
		got.CallAttr != 3 || !got.CreatedAt.Equal(testTime) || got.TenantID != "crud" {
		t.Fatalf("Get = %+v", got)
	}
	if _, err := svc.Add(ctx, "crud", accesscode.Draft{Code: "9911411", MediaType: 2, CallAttr: 1}); !errors.Is(err, aiccd.ErrConflict) || aiccd.KindOf(err) != aiccd.KindConflict {
		t.Fatalf("duplicate code: %v", err)
	}
	if _, err := svc.Add(ctx, "crud", accesscode.Draft{ID: a.ID, Code: "1", MediaType: 2, CallAttr: 1}); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("duplicate ID: %v", err)
	}
	if _, err := svc.Add(ctx, "nobody", accesscode.Draft{Code: "1", MediaType: 2, CallAttr: 1}); aiccd.KindOf(err) != aiccd.KindNotFound ||
		!strings.Contains(aiccd.MessageOf(err, ""), `tenant "nobody" does not exist`) {
		t.Fatalf("unknown tenant: %v", err)
	}

	b, err := svc.Add(ctx, "crud", accesscode.Draft{Code: "4001", MediaType: 2, CallAttr: 1, N400Number: str("400-800-1234"), Description: str("Sales hotline")})
	if err != nil {
		t.Fatal(err)
	}
	// Update: a new description is searchable, the old one is not; a new
	// media type moves the counts.
	u, err := svc.Update(ctx, "crud", b.ID, accesscode.Patch{Description: str("Support 热线"), MediaType: ptr(accesscode.MediaMultimedia)})
	if err != nil {
		t.Fatal(err)
	}
	if *u.Description != "Support 热线" || u.MediaType != 53 || *u.N400Number != "400-800-1234" {
		t.Fatalf("Update = %+v", u)
	}
	expectCodes(t, svc, "crud", accesscode.Filter{Description: "sales"})
	expectCodes(t, svc, "crud", accesscode.Filter{Description: "热线"}, "4001")
	expectCodes(t, svc, "crud", accesscode.Filter{MediaType: 53}, "4001")
	expectCodes(t, svc, "crud", accesscode.Filter{MediaType: 2})
	expectTotal(t, svc, "crud", accesscode.Filter{}, 2)
	// Clearing the description takes it out of description searches.
	if _, err := svc.Update(ctx, "crud", b.ID, accesscode.Patch{Description: str(""), Code: str("4002")}); err != nil {
		t.Fatal(err)
	}
	expectCodes(t, svc, "crud", accesscode.Filter{Description: "热线"})
	expectCodes(t, svc, "crud", accesscode.Filter{AccessCode: "4002"}, "4002")
	expectCodes(t, svc, "crud", accesscode.Filter{AccessCode: "4001"})
	if _, err := svc.Update(ctx, "crud", b.ID, accesscode.Patch{Code: str("9911411")}); aiccd.KindOf(err) != aiccd.KindConflict {
		t.Fatalf("renaming onto an existing code: %v", err)
	}
	if _, err := svc.Update(ctx, "crud", b.ID, accesscode.Patch{CallAttr: ptr(accesscode.CallAttr(7))}); aiccd.KindOf(err) != aiccd.KindInvalid {
		t.Fatalf("invalid update: %v", err)
	}
	if got, _ := s.Get(ctx, "crud", b.ID); got.CallAttr != 1 || got.Code != "4002" {
		t.Fatalf("a refused update changed the row: %+v", got)
	}

	if err := svc.Delete(ctx, "crud", b.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, "crud", b.ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.Get(ctx, "crud", b.ID); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
	expectTotal(t, svc, "crud", accesscode.Filter{}, 1)
	expectTotal(t, svc, "crud", accesscode.Filter{MediaType: 53}, 0)
	expectCodes(t, svc, "crud", accesscode.Filter{AccessCode: "40"})
}

func ptr[T any](v T) *T { return &v }

func testAccessCodeBatch(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "batch")
	var acs []accesscode.AccessCode
	for i := range 1203 { // more than one multi-row statement, and a remainder
		a, err := svc.Prepare("batch", accesscode.Draft{Code: fmt.Sprintf("%06d", i), MediaType: accesscode.MediaTypes[i%5], CallAttr: 3,
			Description: str(fmt.Sprintf("Batch row %d", i))})
		if err != nil {
			t.Fatal(err)
		}
		acs = append(acs, a)
	}
	if err := svc.CreateBatch(ctx, "batch", acs); err != nil {
		t.Fatal(err)
	}
	expectTotal(t, svc, "batch", accesscode.Filter{}, 1203)
	expectTotal(t, svc, "batch", accesscode.Filter{MediaType: accesscode.MediaTypes[0]}, 241)
	expectCodes(t, svc, "batch", accesscode.Filter{Description: "row 1202"}, "001202")

	// All or none: a duplicate in a batch leaves nothing of it behind.
	x, _ := svc.Prepare("batch", accesscode.Draft{Code: "777777", MediaType: 5, CallAttr: 3, Description: str("never stored")})
	dup, _ := svc.Prepare("batch", accesscode.Draft{Code: "000001", MediaType: 5, CallAttr: 3})
	if err := svc.CreateBatch(ctx, "batch", []accesscode.AccessCode{x, dup}); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("batch with a duplicate: %v", err)
	}
	expectTotal(t, svc, "batch", accesscode.Filter{}, 1203)
	expectCodes(t, svc, "batch", accesscode.Filter{Description: "never"})
	if err := svc.CreateBatch(ctx, "batch", []accesscode.AccessCode{{ID: 1, TenantID: "other", Code: "1", MediaType: 5, CallAttr: 1}}); aiccd.KindOf(err) != aiccd.KindInvalid {
		t.Fatalf("a row of another tenant in a batch: %v", err)
	}
	if err := svc.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	expectCodes(t, svc, "batch", accesscode.Filter{Description: "row 1202"}, "001202")
}

// testAccessCodeSearchAfterWrites: what a store remembers to plan
// searches (samples of a tenant's texts, kept for a while) never hides a
// row written since, nor shows one deleted since.
func testAccessCodeSearchAfterWrites(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "rewrite")
	// Searched while the tenant is empty, then filled.
	expectCodes(t, svc, "rewrite", accesscode.Filter{AccessCode: "550042"})
	var acs []accesscode.AccessCode
	for i := range 300 {
		a, err := svc.Prepare("rewrite", accesscode.Draft{Code: fmt.Sprintf("55%04d", i), MediaType: 5, CallAttr: 3,
			Description: str(fmt.Sprintf("line %d", i))})
		if err != nil {
			t.Fatal(err)
		}
		acs = append(acs, a)
	}
	if err := svc.CreateBatch(ctx, "rewrite", acs); err != nil {
		t.Fatal(err)
	}
	// Searched once: the terms' trigrams are known, and "qzx" is in no row.
	expectCodes(t, svc, "rewrite", accesscode.Filter{AccessCode: "550042"}, "550042")
	expectCodes(t, svc, "rewrite", accesscode.Filter{Description: "qzx"})

	extra, err := svc.Prepare("rewrite", accesscode.Draft{Code: "9550042", MediaType: 5, CallAttr: 3, Description: str("qzx line")})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateBatch(ctx, "rewrite", []accesscode.AccessCode{extra}); err != nil {
		t.Fatal(err)
	}
	expectCodes(t, svc, "rewrite", accesscode.Filter{AccessCode: "550042"}, "550042", "9550042")
	expectCodes(t, svc, "rewrite", accesscode.Filter{Description: "qzx"}, "9550042")

	if err := svc.Delete(ctx, "rewrite", acs[42].ID); err != nil {
		t.Fatal(err)
	}
	expectCodes(t, svc, "rewrite", accesscode.Filter{AccessCode: "550042"}, "9550042")
	expectTotal(t, svc, "rewrite", accesscode.Filter{Description: "line"}, 300)
}

func testAccessCodeSearch(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "search", "search-large")
	rows := []accesscode.Draft{
		{Code: "9911411", MediaType: 5, CallAttr: 3},
		{Code: "9911412", MediaType: 5, CallAttr: 3, Description: str("Main access code")},
		{Code: "9911413", MediaType: 2, CallAttr: 1, Description: str("ACCESS CODE for VIP")},
		{Code: "1000001", MediaType: 53, CallAttr: 2, Description: str("北京客服热线")},
		{Code: "1000002", MediaType: 18, CallAttr: 3, Description: str("上海 access code 热线")},
		{Code: "1000003", MediaType: 19, CallAttr: 3, Description: str("100% sure")},
		{Code: "1000004", MediaType: 19, CallAttr: 3, Description: str("a_b")},
		{Code: "1000005", MediaType: 19, CallAttr: 3, Description: str(`back\slash`)},
		{Code: "1000006", MediaType: 19, CallAttr: 3, Description: str("abc")},
		{Code: "1000007", MediaType: 19, CallAttr: 3, Description: str("ΣΊΣΥΦΟΣ straße")},
		{Code: "1000008", MediaType: 19, CallAttr: 3, Description: str(`say "hi" OR NOT`)},
	}
	// The same rows again in a tenant large enough that stores use their
	// trigram indexes rather than reading the tenant's rows, among filler
	// rows that the terms below mostly do not match.
	var large []accesscode.AccessCode
	for _, d := range rows {
		if _, err := svc.Add(ctx, "search", d); err != nil {
			t.Fatal(err)
		}
		a, err := svc.Prepare("search-large", d)
		if err != nil {
			t.Fatal(err)
		}
		large = append(large, a)
	}
	for i := range 6000 {
		desc := fmt.Sprintf("Filler line %d for the %s queue", i, []string{"sales", "销售", "support", "账单"}[i%4])
		a, err := svc.Prepare("search-large", accesscode.Draft{Code: fmt.Sprintf("2%07d", i), MediaType: accesscode.MediaTypes[i%5], CallAttr: 3, Description: &desc})
		if err != nil {
			t.Fatal(err)
		}
		large = append(large, a)
	}
	if err := svc.CreateBatch(ctx, "search-large", large); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    accesscode.Filter
		want []string
	}{
		{"no filter", accesscode.Filter{}, []string{"1000001", "1000002", "1000003", "1000004", "1000005", "1000006", "1000007", "1000008", "9911411", "9911412", "9911413"}},
		{"code substring", accesscode.Filter{AccessCode: "1141"}, []string{"9911411", "9911412", "9911413"}},
		{"code one digit", accesscode.Filter{AccessCode: "3"}, []string{"1000003", "9911413"}},
		{"code two digits", accesscode.Filter{AccessCode: "07"}, []string{"1000007"}},
		{"code exact", accesscode.Filter{AccessCode: "9911411"}, []string{"9911411"}},
		{"code not a substring", accesscode.Filter{AccessCode: "9914"}, nil},
		{"code with non-digits", accesscode.Filter{AccessCode: "99a"}, nil},
		{"media type", accesscode.Filter{MediaType: 5}, []string{"9911411", "9911412"}},
		{"description, any case", accesscode.Filter{Description: "access code"}, []string{"1000002", "9911412", "9911413"}},
		{"description upper case", accesscode.Filter{Description: "ACCESS Code"}, []string{"1000002", "9911412", "9911413"}},
		{"description and media", accesscode.Filter{Description: "access code", MediaType: 5}, []string{"9911412"}},
		{"description and code", accesscode.Filter{Description: "access", AccessCode: "1000"}, []string{"1000002"}},
		{"all three", accesscode.Filter{Description: "vip", AccessCode: "13", MediaType: 2}, []string{"9911413"}},
		{"chinese two characters", accesscode.Filter{Description: "热线"}, []string{"1000001", "1000002"}},
		{"chinese one character", accesscode.Filter{Description: "京"}, []string{"1000001"}},
		{"chinese three characters", accesscode.Filter{Description: "客服热"}, []string{"1000001"}},
		{"greek case folding", accesscode.Filter{Description: "σίσυφος"}, []string{"1000007"}},
		{"full case folding", accesscode.Filter{Description: "STRASSE"}, []string{"1000007"}},
		{"percent is literal", accesscode.Filter{Description: "%"}, []string{"1000003"}},
		{"percent inside", accesscode.Filter{Description: "0% s"}, []string{"1000003"}},
		{"percent as wildcard", accesscode.Filter{Description: "a%c"}, nil},
		{"underscore is literal", accesscode.Filter{Description: "_"}, []string{"1000004"}},
		{"underscore as wildcard", accesscode.Filter{Description: "a_c"}, nil},
		{"underscore inside", accesscode.Filter{Description: "a_b"}, []string{"1000004"}},
		{"backslash is literal", accesscode.Filter{Description: `\`}, []string{"1000005"}},
		{"backslash escapes nothing", accesscode.Filter{Description: `k\s`}, []string{"1000005"}},
		{"backslash then wildcard", accesscode.Filter{Description: `\%`}, nil},
		{"code with wildcard", accesscode.Filter{AccessCode: "%"}, nil},
		{"code with underscore", accesscode.Filter{AccessCode: "99_1"}, nil},
		{"quotes and FTS syntax", accesscode.Filter{Description: `"hi" or not`}, []string{"1000008"}},
		{"a lone quote", accesscode.Filter{Description: `"`}, []string{"1000008"}},
		{"FTS operator words", accesscode.Filter{Description: "OR NOT"}, []string{"1000008"}},
		{"asterisk", accesscode.Filter{Description: "*"}, nil},
		{"a space", accesscode.Filter{Description: " "}, []string{"1000002", "1000003", "1000007", "1000008", "9911412", "9911413"}},
		{"no match", accesscode.Filter{Description: "nothing like it"}, nil},
		{"common in the large tenant", accesscode.Filter{Description: "queue"}, nil},
		{"rare word and common word", accesscode.Filter{Description: "line 4217 for"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the rows are written; each case only reads
			expectCodes(t, svc, "search", tc.f, tc.want...)
			var want []accesscode.AccessCode
			for _, a := range large {
				if matches(a, tc.f) {
					want = append(want, a)
				}
			}
			slices.SortFunc(want, func(x, y accesscode.AccessCode) int { return strings.Compare(x.Code, y.Code) })
			page, err := svc.Query(ctx, "search-large", accesscode.Query{Filter: tc.f, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(want) || !slices.Equal(codesOf(page.Items), codesOf(want[:min(100, len(want))])) {
				t.Errorf("large tenant, %+v: total %d, %v; want %d", tc.f, page.Total, codesOf(page.Items), len(want))
			}
			// The list with a bounded count: the same page, the count up
			// to the bound.
			for _, bound := range []int{1, 10, 100000} {
				listed, err := svc.List(ctx, "search-large", accesscode.ListOptions{Filter: tc.f, Limit: 100, CountUpTo: bound})
				if err != nil {
					t.Fatal(err)
				}
				wantTotal := len(want)
				if tc.f.AccessCode != "" || tc.f.Description != "" { // only a search's count is bounded
					wantTotal = min(wantTotal, bound)
				}
				if listed.Total != wantTotal || !slices.Equal(codesOf(listed.Items), codesOf(want[:min(100, len(want))])) {
					t.Errorf("large tenant listed, %+v, counted up to %d: total %d, %v; want %d", tc.f, bound, listed.Total, codesOf(listed.Items), wantTotal)
				}
			}
		})
	}
}

// testAccessCodePaging checks every paging boundary of queryAccessCodeList
// on 250 codes.
func testAccessCodePaging(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "paging")
	var acs []accesscode.AccessCode
	var all []string
	for i := range 250 {
		code := fmt.Sprintf("5%04d", 249-i) // stored in reverse order
		a, err := svc.Prepare("paging", accesscode.Draft{Code: code, MediaType: 5, CallAttr: 3, Description: str("paged hotline")})
		if err != nil {
			t.Fatal(err)
		}
		acs = append(acs, a)
		all = append(all, code)
	}
	slices.Sort(all)
	if err := svc.CreateBatch(ctx, "paging", acs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []accesscode.Filter{{}, {Description: "hotline"}, {AccessCode: "5"}, {MediaType: 5}} {
		for _, tc := range []struct {
			limit, offset string // as JSON; "" is absent
			from, n       int    // the expected slice of all
			invalid       string
		}{
			{limit: "", offset: "", from: 0, n: 100},
			{limit: "0", offset: "", from: 0, n: 0},
			{limit: "1", offset: "", from: 0, n: 1},
			{limit: "100", offset: "0", from: 0, n: 100},
			{limit: "101", offset: "", from: 0, n: 100},
			{limit: "100000", offset: "", from: 0, n: 100},
			{limit: "10", offset: "100", from: 100, n: 10},
			{limit: "100", offset: "100", from: 100, n: 100},
			{limit: "", offset: "101", invalid: "offset: 101 is over the maximum of 100"},
			{limit: "-1", offset: "", invalid: "limit: -1 is negative"},
			{limit: "", offset: "-1", invalid: "offset: -1 is negative"},
			{limit: "1.5", offset: "", invalid: "limit: 1.5 is not an integer"},
			{limit: `"10"`, offset: "", invalid: "limit: must be an integer, not a string"},
			{limit: "10.0", offset: "90", from: 90, n: 10},
		} {
			name := fmt.Sprintf("%+v limit=%s offset=%s", f, tc.limit, tc.offset)
			body := `{"limit":` + orNull(tc.limit) + `,"offset":` + orNull(tc.offset) + `}`
			var paging struct {
				Limit  *accesscode.Number `json:"limit"`
				Offset *accesscode.Number `json:"offset"`
			}
			if err := json.Unmarshal([]byte(body), &paging); err != nil {
				t.Fatal(err)
			}
			q, err := accesscode.QueryRequest{Limit: paging.Limit, Offset: paging.Offset}.Query()
			if tc.invalid != "" {
				if aiccd.KindOf(err) != aiccd.KindInvalid || !strings.Contains(aiccd.MessageOf(err, ""), tc.invalid) {
					t.Errorf("%s: err = %v, want %q", name, err, tc.invalid)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			q.Filter = f
			page, err := svc.Query(ctx, "paging", q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if page.Total != 250 || !slices.Equal(codesOf(page.Items), all[tc.from:tc.from+tc.n]) {
				t.Errorf("%s: total %d, codes %v", name, page.Total, codesOf(page.Items))
			}
		}
	}
	// An offset beyond the total is an empty page with the true total.
	page, err := svc.Query(ctx, "paging", accesscode.Query{Filter: accesscode.Filter{AccessCode: "5024"}, Limit: 10, Offset: 50})
	if err != nil || page.Total != 10 || len(page.Items) != 0 || page.Items == nil {
		t.Fatalf("offset beyond total: %+v, %v", page, err)
	}
	// Admin listing pages past the vendor's offset cap by cursor.
	var listed []string
	for after := ""; ; {
		p, err := svc.List(ctx, "paging", accesscode.ListOptions{After: after, Limit: 60, Filter: accesscode.Filter{Description: "paged"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 250 {
			t.Fatalf("List total = %d", p.Total)
		}
		if len(p.Items) == 0 {
			break
		}
		listed = append(listed, codesOf(p.Items)...)
		after = p.Items[len(p.Items)-1].Code
	}
	if !slices.Equal(listed, all) {
		t.Fatalf("List by cursor gave %d codes", len(listed))
	}
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// testAccessCodeIsolation checks that one tenant never sees, counts or
// changes another's codes.
func testAccessCodeIsolation(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "tenant-a", "tenant-b")
	a, err := svc.Add(ctx, "tenant-a", accesscode.Draft{Code: "8000", MediaType: 5, CallAttr: 3, Description: str("shared words")})
	if err != nil {
		t.Fatal(err)
	}
	// The same code in another tenant is another access code.
	b, err := svc.Add(ctx, "tenant-b", accesscode.Draft{Code: "8000", MediaType: 5, CallAttr: 3, Description: str("shared words")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 { // tenant B is larger, so its rows flood the index
		if _, err := svc.Add(ctx, "tenant-b", accesscode.Draft{Code: fmt.Sprintf("81%02d", i), MediaType: 5, CallAttr: 3, Description: str("shared words")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []accesscode.Filter{{}, {Description: "shared"}, {Description: "sh"}, {AccessCode: "8"}, {AccessCode: "800"}, {MediaType: 5}} {
		page, err := svc.Query(ctx, "tenant-a", accesscode.Query{Filter: f, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != a.ID {
			t.Errorf("tenant A with %+v: total %d, %v", f, page.Total, page.Items)
		}
	}
	if _, err := svc.Get(ctx, "tenant-a", b.ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A read B's code: %v", err)
	}
	if _, err := svc.Update(ctx, "tenant-a", b.ID, accesscode.Patch{Description: str("taken")}); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A changed B's code: %v", err)
	}
	if err := svc.Delete(ctx, "tenant-a", b.ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A deleted B's code: %v", err)
	}
	if got, err := svc.Get(ctx, "tenant-b", b.ID); err != nil || *got.Description != "shared words" {
		t.Errorf("B's code after A's attempts: %+v, %v", got, err)
	}
	if _, err := svc.AddRoute(ctx, "tenant-a", accesscode.RouteDraft{AccessCode: "8100", DeviceType: 1, DeviceID: 1}); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A routed B's access code: %v", err)
	}
	r, err := svc.AddRoute(ctx, "tenant-b", accesscode.RouteDraft{AccessCode: "8000", DeviceType: 1, DeviceID: 1, DeviceDesc: str("shared queue")})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := svc.QueryRoutes(ctx, "tenant-a", accesscode.RouteQuery{Limit: 100, RouteFilter: accesscode.RouteFilter{DeviceDesc: "shared"}}); err != nil || p.Total != 0 {
		t.Errorf("tenant A saw B's routes: %+v, %v", p, err)
	}
	if _, err := svc.GetRoute(ctx, "tenant-a", r.ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A read B's route: %v", err)
	}
	if err := svc.DeleteRoute(ctx, "tenant-a", r.ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A deleted B's route: %v", err)
	}
	if _, err := svc.UpdateRoute(ctx, "tenant-a", r.ID, accesscode.RoutePatch{DeviceID: ptr(int64(9))}); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("tenant A changed B's route: %v", err)
	}
}

// testAccessCodeReference compares searches with a plain Go filter over
// the same rows, with terms of every length over a small alphabet, so that
// every plan (index, short-term expansion, tenant scan, ordered page) is
// taken and none may differ from the plain definition.
func testAccessCodeReference(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "ref-big", "ref-small")
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []string{"a", "B", "c", "%", "_", `\`, " ", "热", "线", "Σ", "σ", "ß"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	rows := map[string][]accesscode.AccessCode{}
	for tenantID, n := range map[string]int{"ref-big": 400, "ref-small": 15} {
		var acs []accesscode.AccessCode
		for i := range n {
			d := accesscode.Draft{Code: fmt.Sprintf("%d", 1000+rng.IntN(9000)*10+i%10), MediaType: accesscode.MediaTypes[rng.IntN(5)], CallAttr: 3}
			if rng.IntN(5) > 0 {
				d.Description = str(word(1 + rng.IntN(8)))
			}
			a, err := svc.Prepare(tenantID, d)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(acs, func(x accesscode.AccessCode) bool { return x.Code == a.Code }) {
				continue
			}
			acs = append(acs, a)
		}
		if err := svc.CreateBatch(ctx, tenantID, acs); err != nil {
			t.Fatal(err)
		}
		rows[tenantID] = acs
	}
	for i := range 300 {
		tenantID := "ref-big"
		if i%3 == 0 {
			tenantID = "ref-small"
		}
		var f accesscode.Filter
		if rng.IntN(2) == 0 {
			f.Description = word(1 + rng.IntN(4))
		}
		if rng.IntN(4) == 0 {
			f.AccessCode = fmt.Sprint(rng.IntN(100))
		}
		if rng.IntN(4) == 0 {
			f.MediaType = accesscode.MediaTypes[rng.IntN(5)]
		}
		q := accesscode.Query{Filter: f, Limit: rng.IntN(30), Offset: rng.IntN(40)}
		var want []accesscode.AccessCode
		for _, a := range rows[tenantID] {
			if matches(a, f) {
				want = append(want, a)
			}
		}
		slices.SortFunc(want, func(x, y accesscode.AccessCode) int { return strings.Compare(x.Code, y.Code) })
		page, err := svc.Query(ctx, tenantID, q)
		if err != nil {
			t.Fatal(err)
		}
		from, to := min(q.Offset, len(want)), min(q.Offset+q.Limit, len(want))
		if page.Total != len(want) || !slices.Equal(codesOf(page.Items), codesOf(want[from:to])) {
			t.Fatalf("%s %+v: total %d, %v; want %d, %v", tenantID, q, page.Total, codesOf(page.Items), len(want), codesOf(want[from:to]))
		}
	}
}

// testAccessCodeLongest searches for codes of the longest length a code
// may have, which stores may look up by equality, beside shorter codes
// they are found in or that they contain, in a small and a large tenant.
func testAccessCodeLongest(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "longest-small", "longest-large")
	long := strings.Repeat("12345678", accesscode.MaxCodeLen/8)
	other := "9" + long[1:]
	codes := []string{long, other, long[:accesscode.MaxCodeLen-1], long[1:], "1234", "2345678"}
	rows := map[string][]accesscode.AccessCode{}
	for tenantID, filler := range map[string]int{"longest-small": 0, "longest-large": 5000} {
		var acs []accesscode.AccessCode
		for _, c := range codes {
			a, err := svc.Prepare(tenantID, accesscode.Draft{Code: c, MediaType: 5, CallAttr: 3})
			if err != nil {
				t.Fatal(err)
			}
			acs = append(acs, a)
		}
		for i := range filler {
			a, err := svc.Prepare(tenantID, accesscode.Draft{Code: fmt.Sprintf("5%07d", i), MediaType: 2, CallAttr: 3})
			if err != nil {
				t.Fatal(err)
			}
			acs = append(acs, a)
		}
		if err := svc.CreateBatch(ctx, tenantID, acs); err != nil {
			t.Fatal(err)
		}
		rows[tenantID] = acs
	}
	for tenantID, acs := range rows {
		for _, f := range []accesscode.Filter{
			{AccessCode: long}, {AccessCode: other}, {AccessCode: "1" + long[1:]}, {AccessCode: "0" + long[1:]},
			{AccessCode: long, MediaType: 5}, {AccessCode: long, MediaType: 2},
			{AccessCode: long[:accesscode.MaxCodeLen-1]}, {AccessCode: long[1:]}, {AccessCode: "2345678"},
		} {
			var want []string
			for _, a := range acs {
				if matches(a, f) {
					want = append(want, a.Code)
				}
			}
			slices.Sort(want)
			if len(f.AccessCode) == accesscode.MaxCodeLen && len(want) != 1 && f.AccessCode != "0"+long[1:] && f.MediaType != 2 {
				t.Fatalf("the test expects one code to match %q", f.AccessCode)
			}
			page, err := svc.Query(ctx, tenantID, accesscode.Query{Filter: f, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(want) || !slices.Equal(codesOf(page.Items), want) {
				t.Errorf("%s, %+v: total %d, %v; want %v", tenantID, f, page.Total, codesOf(page.Items), want)
			}
		}
	}
}

// matches is the definition of a filter, in plain Go.
func matches(a accesscode.AccessCode, f accesscode.Filter) bool {
	if f.MediaType != 0 && a.MediaType != f.MediaType {
		return false
	}
	if !strings.Contains(a.Code, f.AccessCode) {
		return false
	}
	if f.Description != "" && (a.Description == nil || !strings.Contains(accesscode.Fold(*a.Description), accesscode.Fold(f.Description))) {
		return false
	}
	return true
}

func testCalledRoutes(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := accessCodeService(t, db, "routes")
	code, err := svc.Add(ctx, "routes", accesscode.Draft{Code: "12345", MediaType: 53, CallAttr: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Add(ctx, "routes", accesscode.Draft{Code: "600", MediaType: 5, CallAttr: 1}); err != nil {
		t.Fatal(err)
	}
	r1, err := svc.AddRoute(ctx, "routes", accesscode.RouteDraft{AccessCode: "12345", DeviceType: accesscode.DeviceSkillQueue, DeviceID: 101, DeviceDesc: str("VIP 客服 queue")})
	if err != nil {
		t.Fatal(err)
	}
	if r1.MediaType != 53 || r1.DNID != 1 || r1.ExtCode != nil || r1.Editable != 0 {
		t.Fatalf("first route: %+v", r1)
	}
	r2, err := svc.AddRoute(ctx, "routes", accesscode.RouteDraft{AccessCode: "12345", ExtCode: str("1"), MediaType: 5, DeviceType: accesscode.DeviceIVR, DeviceID: 7, DeviceDesc: str("Night IVR 100%"), Editable: 3})
	if err != nil {
		t.Fatal(err)
	}
	r3, err := svc.AddRoute(ctx, "routes", accesscode.RouteDraft{AccessCode: "600", DeviceType: accesscode.DeviceSkillQueue, DeviceID: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r2.DNID != 2 || r3.DNID != 3 || *r2.ExtCode != "1" || r3.MediaType != 5 {
		t.Fatalf("routes: %+v %+v", r2, r3)
	}
	if _, err := svc.AddRoute(ctx, "routes", accesscode.RouteDraft{AccessCode: "12345", ExtCode: str("1"), DeviceType: 1, DeviceID: 1}); aiccd.KindOf(err) != aiccd.KindConflict {
		t.Fatalf("second route of 12345/1: %v", err)
	}
	if _, err := svc.AddRoute(ctx, "routes", accesscode.RouteDraft{AccessCode: "999", DeviceType: 1, DeviceID: 1}); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Fatalf("route of an unknown access code: %v", err)
	}
	got, err := svc.GetRoute(ctx, "routes", r2.ID)
	if err != nil || got.AccessCode != "12345" || *got.DeviceDesc != "Night IVR 100%" || got.Editable != 3 || got.DeviceType != 3 {
		t.Fatalf("GetRoute = %+v, %v", got, err)
	}

	for _, tc := range []struct {
		name string
		f    accesscode.RouteFilter
		want []int64
	}{
		{"all, ordered by code then extension", accesscode.RouteFilter{}, []int64{r1.ID, r2.ID, r3.ID}},
		{"access code is exact", accesscode.RouteFilter{AccessCode: "1234"}, nil},
		{"access code", accesscode.RouteFilter{AccessCode: "12345"}, []int64{r1.ID, r2.ID}},
		{"extension code", accesscode.RouteFilter{ExtCode: "1"}, []int64{r2.ID}},
		{"device type", accesscode.RouteFilter{DeviceType: accesscode.DeviceSkillQueue}, []int64{r1.ID, r3.ID}},
		{"media type", accesscode.RouteFilter{MediaType: 5}, []int64{r2.ID, r3.ID}},
		{"device description, any case", accesscode.RouteFilter{DeviceDesc: "vip"}, []int64{r1.ID}},
		{"device description, chinese", accesscode.RouteFilter{DeviceDesc: "客服"}, []int64{r1.ID}},
		{"device description, literal percent", accesscode.RouteFilter{DeviceDesc: "%"}, []int64{r2.ID}},
		{"device description, underscore", accesscode.RouteFilter{DeviceDesc: "_"}, nil},
		{"device description and type", accesscode.RouteFilter{DeviceDesc: "i", DeviceType: 3}, []int64{r2.ID}},
	} {
		page, err := svc.QueryRoutes(ctx, "routes", accesscode.RouteQuery{RouteFilter: tc.f, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range page.Items {
			ids = append(ids, r.ID)
		}
		if page.Total != len(tc.want) || !slices.Equal(ids, tc.want) {
			t.Errorf("%s: total %d, %v; want %v", tc.name, page.Total, ids, tc.want)
		}
	}
	page, err := svc.QueryRoutes(ctx, "routes", accesscode.RouteQuery{Limit: 1, Offset: 1})
	if err != nil || page.Total != 3 || len(page.Items) != 1 || page.Items[0].ID != r2.ID {
		t.Fatalf("route page 2 of 1: %+v, %v", page, err)
	}
	page, err = svc.QueryRoutes(ctx, "routes", accesscode.RouteQuery{Limit: 0})
	if err != nil || page.Total != 3 || len(page.Items) != 0 {
		t.Fatalf("route limit 0: %+v, %v", page, err)
	}
	page, err = svc.QueryRoutes(ctx, "routes", accesscode.RouteQuery{Limit: 10, Offset: 1000})
	if err != nil || page.Total != 3 || len(page.Items) != 0 {
		t.Fatalf("route offset beyond total: %+v, %v", page, err)
	}

	u, err := svc.UpdateRoute(ctx, "routes", r1.ID, accesscode.RoutePatch{DeviceType: ptr(accesscode.DeviceIVR), DeviceID: ptr(int64(8)), DeviceDesc: str("")})
	if err != nil || u.DeviceType != 3 || u.DeviceID != 8 || u.DeviceDesc != nil || u.DNID != 1 || u.AccessCode != "12345" {
		t.Fatalf("UpdateRoute = %+v, %v", u, err)
	}
	if page, _ := svc.QueryRoutes(ctx, "routes", accesscode.RouteQuery{RouteFilter: accesscode.RouteFilter{DeviceDesc: "vip"}, Limit: 10}); page.Total != 0 {
		t.Fatalf("a cleared device description still matches: %+v", page)
	}
	// Access codes with routes are not deleted from under them.
	if err := svc.Delete(ctx, "routes", code.ID); aiccd.KindOf(err) != aiccd.KindConflict || !errors.Is(err, accesscode.ErrRouted) {
		t.Fatalf("deleting a routed access code: %v", err)
	}
	for _, r := range []accesscode.Route{r1, r2} {
		if err := svc.DeleteRoute(ctx, "routes", r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.DeleteRoute(ctx, "routes", r1.ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Fatalf("second route delete: %v", err)
	}
	if err := svc.Delete(ctx, "routes", code.ID); err != nil {
		t.Fatalf("deleting an access code without routes: %v", err)
	}
	r4, err := svc.AddRoute(ctx, "routes", accesscode.RouteDraft{AccessCode: "600", ExtCode: str("2"), DeviceType: 1, DeviceID: 5})
	if err != nil || r4.DNID != 4 {
		t.Fatalf("DNIDs keep counting: %+v, %v", r4, err)
	}
}

// expectCodes checks that f selects exactly the codes want, in order, in
// tenantID.
func expectCodes(t *testing.T, svc *accesscode.Service, tenantID string, f accesscode.Filter, want ...string) {
	t.Helper()
	page, err := svc.Query(context.Background(), tenantID, accesscode.Query{Filter: f, Limit: 100})
	if err != nil {
		t.Fatalf("%+v: %v", f, err)
	}
	if got := codesOf(page.Items); page.Total != len(want) || !slices.Equal(got, want) {
		t.Errorf("%+v: total %d, %q; want %q", f, page.Total, got, want)
	}
}

func expectTotal(t *testing.T, svc *accesscode.Service, tenantID string, f accesscode.Filter, want int) {
	t.Helper()
	page, err := svc.Query(context.Background(), tenantID, accesscode.Query{Filter: f, Limit: 0})
	if err != nil || page.Total != want || len(page.Items) != 0 {
		t.Errorf("%+v: total %d (%d items), %v; want %d", f, page.Total, len(page.Items), err, want)
	}
}

func codesOf(acs []accesscode.AccessCode) []string {
	out := []string{}
	for _, a := range acs {
		out = append(out, a.Code)
	}
	return out
}
