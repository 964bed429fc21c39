package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/bulk"
)

// An upload of access codes runs as a job: the post stores the file's
// rows in the background with package bulk (as `aiccd import accesscodes`
// does, from the same row parsers) and answers at once with the job's
// page, whose script polls the job's progress: rows done of the file's
// rows, rows imported, and each rejected row with its line, field and
// reason.

// maxUpload bounds an uploaded file. Larger imports are the CLI's (`aiccd
// import accesscodes`), which reads gzip and resumes.
const maxUpload = 32 << 20

// uploadBatch is how many rows one transaction of an upload writes: small
// enough that the progress moves on a large file, large enough that the
// transactions cost little.
const uploadBatch = 2000

// Jobs are forgotten jobKeep after they finish, and at most maxJobs are
// kept; at most maxRowErrors rejected rows of a job are listed (all are
// counted).
const (
	jobKeep      = time.Hour
	maxJobs      = 64
	maxRowErrors = 1000
	jobTimeout   = 15 * time.Minute
)

// importJob is one upload being imported.
type importJob struct {
	ID, Tenant, File string
	Format           bulk.Format
	Total            int // data rows in the file
	Started          time.Time

	mu       sync.Mutex
	read     int // rows read
	done     int // rows committed, rejected ones included
	imported int
	rejected int
	errors   []rowError
	finished time.Time
	failure  string // why the import stopped, when it did
}

// rowError is a rejected row: its line, the field at fault when the
// reason names one, and the reason.
type rowError struct {
	Line           int
	Field, Message string
}

// jobProgress is a job's state as its page shows it.
type jobProgress struct {
	ID, Tenant, File         string
	Format                   bulk.Format
	Total, Read, Done        int
	Imported, Rejected       int
	Errors                   []rowError
	Finished                 bool
	Failure                  string
	Started, FinishedAt      time.Time
	Percent                  int
	ErrorsShown, ErrorsTotal int
}

func (j *importJob) progress() jobProgress {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := jobProgress{ID: j.ID, Tenant: j.Tenant, File: j.File, Format: j.Format, Total: j.Total, Read: j.read, Done: j.done,
		Imported: j.imported, Rejected: j.rejected, Errors: slices.Clone(j.errors), Finished: !j.finished.IsZero(),
		Failure: j.failure, Started: j.Started, FinishedAt: j.finished}
	if p.Finished && p.Failure == "" {
		p.Done = p.Total
	}
	if p.Total > 0 {
		p.Percent = min(100, p.Done*100/p.Total)
	} else if p.Finished {
		p.Percent = 100
	}
	slices.SortStableFunc(p.Errors, func(a, b rowError) int { return a.Line - b.Line })
	p.ErrorsShown, p.ErrorsTotal = len(p.Errors), p.Rejected
	return p
}

// jobs are the console's recent imports.
type jobs struct {
	mu   sync.Mutex
	byID map[string]*importJob
}

func (js *jobs) add(j *importJob, now time.Time) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.byID == nil {
		js.byID = map[string]*importJob{}
	}
	for id, old := range js.byID {
		old.mu.Lock()
		stale := !old.finished.IsZero() && now.Sub(old.finished) > jobKeep
		old.mu.Unlock()
		if stale {
			delete(js.byID, id)
		}
	}
	if len(js.byID) >= maxJobs { // forget the oldest
		var oldest *importJob
		for _, o := range js.byID {
			if oldest == nil || o.Started.Before(oldest.Started) {
				oldest = o
			}
		}
		delete(js.byID, oldest.ID)
	}
	js.byID[j.ID] = j
}

func (js *jobs) get(tenantID, id string) (*importJob, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.byID[id]
	return j, ok && j.Tenant == tenantID
}

var errNoJob = aiccd.Errorf(aiccd.KindNotFound, "there is no such upload; uploads are kept for an hour after they finish")

// accessCodeImport starts the import of an uploaded CSV or NDJSON file of
// the columns `aiccd import accesscodes` reads, and sends the browser to
// the job's page.
func (c *Console) accessCodeImport(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	if _, err := c.Tenants.Get(r.Context(), tenantID); err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return c.renderAccessCodes(w, r, http.StatusBadRequest, accessCodeListData{},
			flash{Message: "Choose a CSV or NDJSON file to upload.", Error: true})
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	format := bulk.Format(r.PostFormValue("format"))
	if format == "" {
		format = bulk.FormatOf(hdr.Filename)
	}
	if format != bulk.CSV && format != bulk.NDJSON {
		return c.renderAccessCodes(w, r, http.StatusBadRequest, accessCodeListData{},
			flash{Message: "The format is CSV or NDJSON.", Error: true})
	}
	j := &importJob{ID: newJobID(), Tenant: tenantID, File: fileName(hdr.Filename), Format: format,
		Total: countRows(data, format), Started: c.Clock.Now()}
	c.jobs.add(j, j.Started)
	u := userFrom(r.Context())
	entry := admin.AuditEntry{Actor: u.UserName, Action: "accesscode.import", Target: tenantID, Source: source(r)}
	// The import outlives the request that started it, not the server.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), jobTimeout)
	go func() {
		defer cancel()
		c.runImport(ctx, j, data, entry)
	}()
	http.Redirect(w, r, accessCodesPath(tenantID)+"/imports/"+j.ID, http.StatusSeeOther)
	return nil
}

// runImport imports data for j and records it in the audit log.
func (c *Console) runImport(ctx context.Context, j *importJob, data []byte, entry admin.AuditEntry) {
	spec := bulk.AccessCodes(c.AccessCodes, j.Tenant, uploadBatch, false)
	_, err := bulk.Run(ctx, bytes.NewReader(data), j.Format, spec, bulk.Hooks{
		Read: func(int) { j.mu.Lock(); j.read++; j.mu.Unlock() },
		Reject: func(line int, err error) error {
			j.mu.Lock()
			defer j.mu.Unlock()
			j.rejected++
			if len(j.errors) < maxRowErrors {
				field, msg := splitField(aiccd.MessageOf(err, "refused"))
				j.errors = append(j.errors, rowError{Line: line, Field: field, Message: msg})
			}
			return nil
		},
		Imported:  func(n int) { j.mu.Lock(); j.imported += n; j.mu.Unlock() },
		Committed: func(rows, _ int) error { j.mu.Lock(); j.done = rows; j.mu.Unlock(); return nil },
	})
	if err != nil && !bulk.Refused(err) {
		c.Logger.ErrorContext(ctx, "access code upload failed", "tenant", j.Tenant, "job", j.ID, "err", err)
	}
	if merr := c.AccessCodes.Maintain(ctx); merr != nil {
		c.Logger.WarnContext(ctx, "tidying the access codes' search indexes after an upload", "err", merr)
	}
	j.mu.Lock()
	if err != nil {
		j.failure = sentence(aiccd.MessageOf(err, "the import failed; see aiccd's log"))
	}
	j.finished = c.Clock.Now()
	entry.Detail = fmt.Sprintf("tenant=%s file=%s imported=%d rejected=%d", j.Tenant, j.File, j.imported, j.rejected)
	if j.failure != "" {
		entry.Detail += " failed"
	}
	j.mu.Unlock()
	if err := c.Admins.Record(ctx, entry); err != nil {
		c.Logger.ErrorContext(ctx, "audit log not written", "actor", entry.Actor, "action", entry.Action, "target", entry.Target, "err", err)
	}
}

// countRows counts the data rows of a file, for the progress's total.
func countRows(data []byte, format bulk.Format) int {
	n := 0
	if format == bulk.NDJSON {
		for line := range bytes.Lines(data) {
			if len(bytes.TrimSpace(line)) > 0 {
				n++
			}
		}
		return n
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord, cr.ReuseRecord = -1, true
	for {
		_, err := cr.Read()
		if err == io.EOF {
			break
		}
		if _, ok := errors.AsType[*csv.ParseError](err); err != nil && !ok {
			break
		}
		n++
	}
	return max(n-1, 0) // the header
}

var fieldPrefix = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*): (.*)$`)

// splitField splits a reason of the form "field: what is wrong", as the
// row parsers word them, into the field and the rest.
func splitField(msg string) (field, rest string) {
	if m := fieldPrefix.FindStringSubmatch(msg); m != nil {
		return m[1], m[2]
	}
	return "", msg
}

func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 100 {
		s = s[:100]
	}
	return strings.ToValidUTF8(s, "")
}

func newJobID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// importPage shows an upload's progress; its script polls importProgress.
func (c *Console) importPage(w http.ResponseWriter, r *http.Request) error {
	j, ok := c.jobs.get(r.PathValue("tenant"), r.PathValue("job"))
	if !ok {
		return errNoJob
	}
	p := j.progress()
	return c.render(w, r, http.StatusOK, "accesscode_import", view{Title: "Upload to " + p.Tenant, Nav: "tenants", Data: p})
}

// importProgress is the progress fragment the job's page polls.
func (c *Console) importProgress(w http.ResponseWriter, r *http.Request) error {
	j, ok := c.jobs.get(r.PathValue("tenant"), r.PathValue("job"))
	if !ok {
		return errNoJob
	}
	return c.renderFragment(w, "import_progress", j.progress())
}
