package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/tenant"
)

func testTenants(t *testing.T, db *database.DB) {
	ctx := context.Background()
	s := db.Tenants
	at := time.Date(2023, 4, 11, 8, 58, 45, 0, time.UTC)

	if _, err := s.Get(ctx, "nobody"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
	want := tenant.Tenant{ID: "acme", Name: "Acme 股份", CreatedAt: at, UpdatedAt: at.Add(time.Second)}
	if err := s.Create(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, want); !errors.Is(err, aiccd.ErrConflict) || aiccd.KindOf(err) != aiccd.KindConflict {
		t.Fatalf("Create(duplicate) = %v, want ErrConflict", err)
	}
	got, err := s.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("Get = %+v, want %+v", got, want)
	}
	if err := s.Create(ctx, tenant.Tenant{ID: "beta", CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	// A batch is all or nothing.
	batch := []tenant.Tenant{{ID: "gamma", CreatedAt: at, UpdatedAt: at}, {ID: "acme", CreatedAt: at, UpdatedAt: at}}
	if err := s.CreateBatch(ctx, batch); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("CreateBatch with a duplicate = %v, want ErrConflict", err)
	}
	if _, err := s.Get(ctx, "gamma"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("a failed batch left gamma behind: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "acme" || list[1].ID != "beta" {
		t.Fatalf("List = %+v, want acme then beta", list)
	}
}
