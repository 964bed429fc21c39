package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/journal"
)

// BenchmarkJournalAddEntries writes the request journal as the journal's
// flusher does under load: batches of entries the size of a
// queryfaultyuser exchange. ns/op is per entry.
func BenchmarkJournalAddEntries(b *testing.B) {
	db := dbtest.Open(b, dbtest.SQLiteURL(b))
	ctx := context.Background()
	response := `{"returnCode":0,"description":"Query succeeded. Data is found in the query result.","data":[` +
		strings.Repeat(`{"ccmSceneCode":"DATA","reflectionRule":"LAC_TAC=5200504B2007","ttid":"2024-07-18 12:20:41"},`, 8) + `{}]}`
	batch := make([]journal.Entry, 256)
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		n := min(len(batch), b.N-i)
		for j := range batch[:n] {
			batch[j] = journal.Entry{TenantID: "demo", At: time.Now(), RequestID: fmt.Sprintf("%032x", i+j), Method: "POST",
				Path: "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", Route: "queryfaultyuser", Status: 200, DurationMS: 0.4,
				Code: "0", Caller: "demo-app-key", RequestBody: `{"msisdn":"668*****00869","faultTime":"1721283133000"}`,
				ResponseBody: response, MatchKeys: []string{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}}
		}
		if err := db.Journal.AddEntries(ctx, batch[:n]); err != nil {
			b.Fatal(err)
		}
	}
}
