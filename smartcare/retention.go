package smartcare

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aiccd/aiccd"
)

// Retention deletes subscriber records once they are older than their
// tenant's retention, in bounded batches with a pause between them, so
// that queries and ingest keep running while a day of records goes. The
// time comes from the Service's clock.

// Retention tuning.
const (
	// RetentionBatch is the most records one delete statement removes
	// (on PostgreSQL a statement drops one day's partition instead).
	RetentionBatch = 5000
	// RetentionPause is the least pause between two batches. The pause
	// is at least as long as the batch took, so that retention takes at
	// most half of a core and of the writer, whatever the machine.
	RetentionPause = 20 * time.Millisecond
)

// RetentionReport is what one retention pass deleted.
type RetentionReport struct {
	Records int64 // subscriber records (PostgreSQL: rows of dropped partitions)
	Tasks   int64 // finished delimitation tasks
}

// RunRetention makes one pass over every tenant that has records.
func (s *Service) RunRetention(ctx context.Context) (RetentionReport, error) {
	var rep RetentionReport
	tenants, err := s.store.RecordTenants(ctx)
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, id := range tenants {
		st, err := s.store.GetSettings(ctx, id)
		if errors.Is(err, aiccd.ErrNotFound) {
			st, err = DefaultSettings(), nil
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		horizon := st.Horizon(s.now())
		if horizon.IsZero() {
			continue
		}
		for {
			start := time.Now()
			n, err := s.store.DeleteRecordsBefore(ctx, id, horizon, RetentionBatch)
			rep.Records += n
			if err != nil {
				errs = append(errs, err)
				break
			}
			if n == 0 {
				break
			}
			select {
			case <-ctx.Done():
				return rep, ctx.Err()
			case <-time.After(max(RetentionPause, time.Since(start))):
			}
		}
	}
	n, err := s.store.DeleteTasksBefore(ctx, s.now().Add(-TaskRetention))
	rep.Tasks = n
	if err != nil {
		errs = append(errs, err)
	}
	return rep, errors.Join(errs...)
}

// RunRetentionJob runs RunRetention at once and then every interval until
// ctx ends.
func (s *Service) RunRetentionJob(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		rep, err := s.RunRetention(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("smartcare retention", "err", err, "records_deleted", rep.Records)
		case rep.Records > 0 || rep.Tasks > 0:
			logger.Info("smartcare retention", "records_deleted", rep.Records, "tasks_deleted", rep.Tasks,
				"ms", time.Since(start).Milliseconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
