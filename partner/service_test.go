package partner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/password"
)

var testKey, _ = masterkey.New(bytes.Repeat([]byte{9}, masterkey.Size))

var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// newService returns a Service over a fresh database with partner p1,
// whose IAM user is Ops-Admin, and the cloud account Acme-Cloud; mobile
// limit 2 and IDs 00000000000000000000000000000001, …
func newService(t testing.TB, dsn string) (*partner.Service, *database.DB) {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, dsn)
	clock := aiccd.ClockFunc(func() time.Time { return testNow })
	accounts := credential.NewService(credential.Options{Store: db.Credentials, Clock: clock, Sealer: testKey})
	if _, err := accounts.CreateAccount(ctx, "p1", "p1", true); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateAccount(ctx, "acme", "Acme-Cloud", false); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateIAMUser(ctx, "p1", "Ops-Admin", "Ops-password-1"); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	return partner.NewService(partner.Options{
		Store: db.Customers, Accounts: accounts, Clock: clock,
		Sealer: testKey, Blinder: testKey, MobileLimit: 2,
		NewID: func() string { return fmt.Sprintf("%032x", n.Add(1)) },
	}), db
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		s, _ := newService(t, dsn)
		ctx := context.Background()
		for _, n := range []partner.NewCustomer{
			{Name: "Alice-Smith", Email: "Alice@Example.com", Mobile: "0086-13800000000"},
			{Name: "bob-jones", Mobile: "0086-13800000000"},
			{Name: "carol-white", Mobile: "0086-13900000000"},
		} {
			if _, err := s.Create(ctx, "p1", n); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			typ, value string
			want       partner.Result
		}{
			{"name", "alice-smith", partner.Result{Used: true, LimitReached: true}},
			{"name", "ALICE-SMITH", partner.Result{Used: true, LimitReached: true}},
			{"name", "acme-cloud", partner.Result{Used: true, LimitReached: true}}, // a cloud account's
			{"name", "OPS-ADMIN", partner.Result{Used: true, LimitReached: true}},  // an IAM user's
			{"name", "alice-smit", partner.Result{}},
			{"email", "alice@example.com", partner.Result{Used: true, LimitReached: true}},
			{"email", "ALICE@EXAMPLE.COM", partner.Result{Used: true, LimitReached: true}},
			{"email", "bob@example.com", partner.Result{}},
			{"mobile", "0086-13800000000", partner.Result{Used: true, LimitReached: true, Remaining: 0}},
			{"mobile", "0086-13900000000", partner.Result{Used: true, Remaining: 1}},
			{"mobile", "0086-13700000000", partner.Result{Remaining: 2}},
		} {
			got, err := s.Check(ctx, tc.typ, tc.value)
			if err != nil || got != tc.want {
				t.Errorf("Check(%s, %q) = %+v, %v; want %+v", tc.typ, tc.value, got, err, tc.want)
			}
		}
		for _, tc := range []struct{ typ, value, code string }{
			{"phone", "0086-13700000000", partner.CodeSearchType},
			{"name", "", partner.CodeValueMissing},
			// The pages' patterns apply to the value as sent: surrounding
			// spaces break them.
			{"name", "   ", partner.CodeNameInvalid},
			{"name", " alice-smith ", partner.CodeNameInvalid},
			{"email", "\talice@example.com", partner.CodeEmailInvalid},
			{"mobile", " 0086-13900000000 ", partner.CodeMobileInvalid},
			{"name", "op_alice", partner.CodeNameInvalid},
			{"email", "alice", partner.CodeEmailInvalid},
			{"mobile", "13700000000", partner.CodeMobileInvalid}, // the check takes no bare numbers
		} {
			if _, err := s.Check(ctx, tc.typ, tc.value); aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.CodeOf(err) != tc.code {
				t.Errorf("Check(%s, %q) = %v, want code %s", tc.typ, tc.value, err, tc.code)
			}
		}
	})
}

// TestCreateRefusesWhatCheckRefuses: a value the check calls used, at its
// limit or invalid cannot be created, and a value it calls free can.
func TestCreateRefusesWhatCheckRefuses(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		s, _ := newService(t, dsn)
		ctx := context.Background()
		s.Create(ctx, "p1", partner.NewCustomer{Name: "taken-name", Email: "taken@example.com", Mobile: "0086-1"})
		s.Create(ctx, "p1", partner.NewCustomer{Name: "other-name", Mobile: "0086-1"})
		for i, tc := range []struct{ typ, value string }{
			{"name", "TAKEN-NAME"}, {"name", "free-name"}, {"name", "op_name"}, {"name", "abcd"},
			{"name", "ACME-cloud"}, {"name", "ops-admin"}, {"name", " spaced-name"},
			{"email", "Taken@Example.com"}, {"email", "free@example.com"}, {"email", "no-at-sign"}, {"email", "spaced@example.com "},
			{"mobile", "0086-1"}, {"mobile", "0086-2"}, {"mobile", "86-1"}, {"mobile", " 0086-3"},
		} {
			res, checkErr := s.Check(ctx, tc.typ, tc.value)
			n := partner.NewCustomer{Name: fmt.Sprintf("probe-%02d", i)}
			switch tc.typ {
			case "name":
				n.Name = tc.value
			case "email":
				n.Email = tc.value
			case "mobile":
				n.Mobile = tc.value
			}
			_, err := s.Create(ctx, "p1", n)
			switch {
			case checkErr != nil:
				if aiccd.CodeOf(err) != aiccd.CodeOf(checkErr) {
					t.Errorf("%s %q: check refused it (%v) but Create says %v", tc.typ, tc.value, checkErr, err)
				}
			case res.LimitReached:
				if !errors.Is(err, aiccd.ErrConflict) {
					t.Errorf("%s %q: check says used but Create says %v", tc.typ, tc.value, err)
				}
			case err != nil:
				t.Errorf("%s %q: check says free but Create says %v", tc.typ, tc.value, err)
			}
		}
	})
}

func TestCreateSealsPersonalData(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		s, db := newService(t, dsn)
		ctx := context.Background()
		c, err := s.Create(ctx, "p1", partner.NewCustomer{Name: "Dora-Explorer", Email: "Dora@Example.com", Mobile: "13812345678", Password: "Map-and-backpack1"})
		if err != nil {
			t.Fatal(err)
		}
		want := partner.Customer{ID: fmt.Sprintf("%032x", 1), PartnerID: "p1", Name: "Dora-Explorer", Email: "dora@example.com",
			Mobile: "0086-13812345678", HasPassword: true, CreatedAt: testNow}
		if c != want {
			t.Fatalf("Create = %+v, want %+v", c, want)
		}
		r, err := db.Customers.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for field, b := range map[string][]byte{"sealed email": r.SealedEmail, "email key": r.EmailKey, "sealed mobile": r.SealedMobile, "mobile key": r.MobileKey} {
			if len(b) == 0 || bytes.Contains(b, []byte("dora")) || bytes.Contains(b, []byte("12345678")) {
				t.Errorf("%s is %q: personal data in the clear or missing", field, b)
			}
		}
		if r.NameKey != "dora-explorer" || !password.Check(r.PasswordHash, "Map-and-backpack1") {
			t.Fatalf("stored record %+v", r)
		}
		if got, err := s.Get(ctx, "DORA-explorer"); err != nil || got != want {
			t.Fatalf("Get by name = %+v, %v", got, err)
		}
		// A sealed value moved to another customer's row does not open.
		other, _ := s.Create(ctx, "p1", partner.NewCustomer{Name: "boots-monkey", Email: "boots@example.com"})
		stolen, _ := db.Customers.Get(ctx, other.ID)
		stolen.ID, stolen.NameKey, stolen.EmailKey = "moved", "moved-row", []byte("k")
		stolen.SealedEmail = r.SealedEmail
		if err := db.Customers.Create(ctx, stolen, 5); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "moved"); aiccd.KindOf(err) != aiccd.KindInternal {
			t.Fatalf("a moved sealed e-mail address opened: %v", err)
		}
	})
}

func TestCreateGeneratesNamesAndChecksPartner(t *testing.T) {
	t.Parallel()
	s, _ := newService(t, dbtest.SQLiteURL(t))
	ctx := context.Background()
	for i := 1; i <= 2; i++ {
		c, err := s.Create(ctx, "p1", partner.NewCustomer{Email: fmt.Sprintf("anon%d@example.com", i)})
		if want := fmt.Sprintf("c%031x", i); err != nil || c.Name != want {
			t.Fatalf("generated name %q, %v; want %q", c.Name, err, want)
		}
	}
	if _, err := s.Create(ctx, "nobody", partner.NewCustomer{Name: "orphan-customer"}); aiccd.KindOf(err) != aiccd.KindNotFound ||
		!strings.Contains(err.Error(), `partner account "nobody" does not exist`) {
		t.Fatalf("customer of an unknown partner: %v", err)
	}
	if _, err := s.Create(ctx, "bad/partner", partner.NewCustomer{Name: "orphan-customer"}); aiccd.CodeOf(err) != partner.CodePartnerID {
		t.Fatalf("customer of a malformed partner ID: %v", err)
	}
	if _, err := s.Create(ctx, "p1", partner.NewCustomer{Name: "pw-customer", Password: "pw-customer"}); aiccd.CodeOf(err) != partner.CodePasswordInvalid {
		t.Fatalf("password equal to the name: %v", err)
	}
}

func TestImportListDelete(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		s, _ := newService(t, dsn)
		ctx := context.Background()
		var batch []partner.Record
		for i := range 5 {
			r, err := s.Prepare("p1", partner.NewCustomer{Name: fmt.Sprintf("bulk-%03d", 5-i), Email: fmt.Sprintf("bulk%d@example.com", i), Mobile: "0086-5"})
			if err != nil {
				t.Fatal(err)
			}
			batch = append(batch, r)
		}
		if _, err := s.Prepare("p1", partner.NewCustomer{Name: "x"}); aiccd.CodeOf(err) != partner.CodeNameInvalid {
			t.Fatalf("Prepare of an invalid name: %v", err)
		}
		// Five on one mobile number with a limit of 2: all or none.
		if err := s.Import(ctx, batch); !errors.Is(err, partner.ErrMobileLimit) {
			t.Fatalf("Import over the limit: %v", err)
		}
		if cs, _ := s.List(ctx, "p1", "", 10); len(cs) != 0 {
			t.Fatalf("a failed import left %d customers", len(cs))
		}
		// A cloud account's name in a batch: all or none.
		account, err := s.Prepare("p1", partner.NewCustomer{Name: "acme-CLOUD"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Import(ctx, []partner.Record{batch[0], account}); !errors.Is(err, partner.ErrNameUsed) {
			t.Fatalf("Import of a cloud account's name: %v", err)
		}
		if err := s.Import(ctx, batch[:2]); err != nil {
			t.Fatal(err)
		}
		for _, r := range batch[2:] {
			r.MobileKey, r.SealedMobile = nil, nil
			if err := s.Import(ctx, []partner.Record{r}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := s.List(ctx, "p1", "", 3)
		if err != nil || len(page) != 3 || page[0].Name != "bulk-001" || page[2].Name != "bulk-003" || page[0].Email != "bulk4@example.com" {
			t.Fatalf("first page %+v, %v", page, err)
		}
		page, _ = s.List(ctx, "p1", "BULK-003", 3)
		if len(page) != 2 || page[0].Name != "bulk-004" || page[1].Mobile != "0086-5" {
			t.Fatalf("second page %+v", page)
		}
		if res, _ := s.Check(ctx, "mobile", "0086-5"); !res.LimitReached {
			t.Fatalf("before delete: %+v", res)
		}
		if _, err := s.Delete(ctx, "bulk-005"); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.Check(ctx, "mobile", "0086-5"); res.LimitReached || res.Remaining != 1 {
			t.Fatalf("after delete: %+v", res)
		}
		if _, err := s.Delete(ctx, "bulk-005"); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("second delete: %v", err)
		}
	})
}
