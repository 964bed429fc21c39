package bulk

import (
	"context"

	"github.com/aiccd/aiccd/accesscode"
)

// AccessCodes is the import of a tenant's access codes, CSV or NDJSON,
// each row prepared (validated, given its ID) by svc and written in
// batches of batchSize; pipeline reads the next batch while one is
// written. `aiccd import accesscodes` and the console's upload both run
// it.
func AccessCodes(svc *accesscode.Service, tenantID string, batchSize int, pipeline bool) Spec[accesscode.AccessCode] {
	prepare := func(d accesscode.Draft, err error) (accesscode.AccessCode, error) {
		if err != nil {
			return accesscode.AccessCode{}, err
		}
		return svc.Prepare(tenantID, d)
	}
	return Spec[accesscode.AccessCode]{
		What: "access codes", Required: []string{"accessCode"}, BatchSize: batchSize, Pipeline: pipeline,
		CSVParser: func(header []string) (func([]string) (accesscode.AccessCode, error), error) {
			parse, err := accesscode.CSV(header)
			if err != nil {
				return nil, err
			}
			return func(rec []string) (accesscode.AccessCode, error) { return prepare(parse(rec)) }, nil
		},
		FromJSON: func(line []byte) (accesscode.AccessCode, error) { return prepare(accesscode.FromJSON(line)) },
		Write: func(ctx context.Context, batch []accesscode.AccessCode) error {
			return svc.CreateBatch(ctx, tenantID, batch)
		},
	}
}
