package journal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"
)

// memStore keeps what the journal writes, batch by batch.
type memStore struct{ batches [][]Entry }

func (m *memStore) AddEntries(_ context.Context, es []Entry) error {
	m.batches = append(m.batches, es)
	return nil
}
func (m *memStore) Entries(context.Context, Query) ([]Entry, error)    { return nil, nil }
func (m *memStore) CountEntries(context.Context, Query) (int, error)   { return 0, nil }
func (m *memStore) DeleteEntries(context.Context, string) (int, error) { return 0, nil }
func (m *memStore) TrimEntries(context.Context, int) error             { return nil }

func TestFlushWritesEachTenantsNewestEntriesInOrder(t *testing.T) {
	store := &memStore{}
	j := New(Options{Store: store, Size: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t0 := time.UnixMilli(1_700_000_000_000)
	// Tenant a sends 7 requests, b 2, interleaved.
	for i := range 7 {
		j.Record(Entry{TenantID: "a", At: t0.Add(time.Duration(2*i) * time.Millisecond), RequestID: fmt.Sprint("a", i)})
		if i < 2 {
			j.Record(Entry{TenantID: "b", At: t0.Add(time.Duration(2*i+1) * time.Millisecond), RequestID: fmt.Sprint("b", i)})
		}
	}
	want := []string{"b0", "b1", "a4", "a5", "a6"}
	if err := j.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(store.batches) != 1 {
		t.Fatalf("%d batches written, want 1", len(store.batches))
	}
	var got []string
	for _, e := range store.batches[0] {
		got = append(got, e.RequestID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("written %v, want %v", got, want)
	}

	// The buffer is empty after a flush; nothing more is written.
	if err := j.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(store.batches) != 1 {
		t.Errorf("an empty flush wrote a batch")
	}
}

func TestRecordDropsNewTenantsPastTheBound(t *testing.T) {
	store := &memStore{}
	j := New(Options{Store: store, Size: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for i := range maxPending + 5 {
		j.Record(Entry{TenantID: fmt.Sprint("t", i)})
	}
	// A known tenant still replaces its entry.
	j.Record(Entry{TenantID: "t0", RequestID: "newest"})
	if j.npending != maxPending || j.dropped != 5 {
		t.Fatalf("pending %d dropped %d, want %d and 5", j.npending, j.dropped, maxPending)
	}
	if err := j.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range store.batches[0] {
		found = found || e.RequestID == "newest"
	}
	if !found {
		t.Error("the known tenant's newest entry was not written")
	}
}
