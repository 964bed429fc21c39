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
// flusher does under load: batches of queryfaultyuser's entries, without
// their bodies (serve's default) and with them (--journal-bodies). ns/op
// is per entry.
//
//	go test -run XXX -bench BenchmarkJournalAddEntries ./sqlite
func BenchmarkJournalAddEntries(b *testing.B) {
	response := `{"returnCode":0,"description":"Query succeeded. Data is found in the query result.","data":[` +
		strings.Repeat(`{"ccmSceneCode":"DATA","reflectionRule":"LAC_TAC=5200504B2007","ttid":"2024-07-18 12:20:41"},`, 8) + `{}]}`
	for _, bodies := range []bool{false, true} {
		name := "without bodies"
		if bodies {
			name = "with bodies"
		}
		b.Run(name, func(b *testing.B) {
			db := dbtest.Open(b, dbtest.SQLiteURL(b))
			ctx := context.Background()
			batch := make([]journal.Entry, 256)
			b.ResetTimer()
			for i := 0; i < b.N; i += len(batch) {
				n := min(len(batch), b.N-i)
				for j := range batch[:n] {
					batch[j] = journal.Entry{TenantID: "demo", At: time.Now(), RequestID: fmt.Sprintf("%032x", i+j), Method: "POST",
						Path: "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", Route: "queryfaultyuser", Status: 200, DurationMS: 0.4,
						Code: "0", Caller: "demo-app-key", MatchKeys: []string{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}}
					if bodies {
						batch[j].RequestBody, batch[j].ResponseBody = `{"msisdn":"668*****00869","faultTime":"1721283133000"}`, response
					}
				}
				if err := db.Journal.AddEntries(ctx, batch[:n]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
