package hub

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/entry"
)

// postEntries takes a batch of one kiosk's entries and answers with an
// entry.Ack.
//
// Each entry is judged alone: a malformed one, or one that names another
// venue or kiosk than the token's, is rejected with the reason and the
// rest of the batch is stored. So one bad record never holds back a kiosk's
// good ones, and the kiosk learns exactly which were refused (and keeps
// them, reported). A batch as a whole is refused only when it cannot be
// read: no valid token (401), not JSON (400), too many entries or bytes
// (413).
func (s *Server) postEntries(w http.ResponseWriter, r *http.Request) {
	k, err := s.authenticate(r)
	if err != nil {
		s.m.unauthorized.Inc()
		s.writeError(w, r, err)
		return
	}
	batch, err := s.readBatch(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var (
		good     = make([]entry.Entry, 0, len(batch.Entries))
		rejected []entry.Reject
	)
	if len(batch.Entries) == 0 { // nothing to store: no write for it
		s.m.batches.Inc()
		writeJSON(w, http.StatusOK, entry.Ack{Acked: []string{}})
		return
	}
	now := s.Now()
	for _, e := range batch.Entries {
		if err := e.Check(); err != nil {
			rejected = append(rejected, entry.Reject{ID: e.ID, Error: err.Error()})
			continue
		}
		if err := s.checkTimes(&e, now); err != nil {
			rejected = append(rejected, entry.Reject{ID: e.ID, Error: err.Error()})
			continue
		}
		if e.Venue != k.Venue || e.Kiosk != k.ID {
			rejected = append(rejected, entry.Reject{ID: e.ID, Error: fmt.Sprintf(
				"%v: entry of venue %q kiosk %q, but the token is kiosk %q's of venue %q", ErrForbidden, e.Venue, e.Kiosk, k.ID, k.Venue)})
			continue
		}
		e.Time = e.Time.UTC()
		good = append(good, e)
	}
	res := PutResult{Acked: []string{}}
	if len(good) > 0 {
		if res, err = s.store.PutEntries(r.Context(), k, good); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	rejected = append(rejected, res.Rejected...)
	s.m.batches.Inc()
	s.m.entriesStored.Add(float64(res.New))
	s.m.entriesDuplicate.Add(float64(len(res.Acked) - res.New))
	s.m.entriesRejected.Add(float64(len(rejected)))
	writeJSON(w, http.StatusOK, entry.Ack{Acked: res.Acked, Rejected: rejected})
}

// Limits on an entry's times, against the clocks of the hub and of the id.
const (
	// MaxIDSkew is how far an entry's time may be from its id's time (the
	// id is made from the time, to the millisecond, so a kiosk's entries
	// are within 1 ms). The stores partition and purge by the id's time;
	// a query by entry time may prune partitions to [from-MaxIDSkew,
	// to+MaxIDSkew).
	MaxIDSkew = 5 * time.Minute
	// MaxIDAhead is how far after the hub's clock an id may be made: a
	// kiosk's clock may be off, but an id dated years ahead would never
	// be purged.
	MaxIDAhead = 24 * time.Hour
)

// checkTimes refuses an entry whose id is dated too far ahead of now, or
// so long ago that retention would purge it at once, or whose time is not
// its id's. e has passed Check.
func (s *Server) checkTimes(e *entry.Entry, now time.Time) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", entry.ErrInvalid, e.ID, fmt.Sprintf(format, args...))
	}
	made, err := entry.IDTime(e.ID)
	if err != nil {
		return bad("id is not a ULID: %v", err)
	}
	const layout = "2006-01-02T15:04:05.000Z07:00"
	switch {
	case made.After(now.Add(MaxIDAhead)):
		return bad("id made at %s, more than %s after the hub's clock (%s): is the kiosk's clock right?",
			made.Format(layout), MaxIDAhead, now.UTC().Format(layout))
	case s.opts.Retention > 0 && made.Before(now.Add(-s.opts.Retention)):
		return bad("id made at %s, before the hub's retention of %s (from %s): it would be purged at once",
			made.Format(layout), s.opts.Retention, now.Add(-s.opts.Retention).UTC().Format(layout))
	}
	if d := e.Time.Sub(made); d > MaxIDSkew || d < -MaxIDSkew {
		return bad("time %s is %s from its id's time %s: at most %s", e.Time.UTC().Format(time.RFC3339Nano), d, made.Format(layout), MaxIDSkew)
	}
	return nil
}

// authenticate returns the kiosk of the request's bearer token.
func (s *Server) authenticate(r *http.Request) (Kiosk, error) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Kiosk{}, fmt.Errorf("%w: want Authorization: Bearer TOKEN (from passhub kiosk add)", ErrUnauthorized)
	}
	k, err := s.store.Authenticate(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, ErrUnauthorized) {
		return Kiosk{}, fmt.Errorf("%w: unknown or revoked kiosk token", ErrUnauthorized)
	}
	return k, err
}

// readBatch reads the body as an entry.Batch, plain or gzipped, at most
// MaxBody bytes decoded.
func (s *Server) readBatch(w http.ResponseWriter, r *http.Request) (*entry.Batch, error) {
	if r.ContentLength > s.opts.MaxBody { // refused before a byte is read: no slot held for it
		return nil, fmt.Errorf("%w: body of %d bytes announced, at most %d", ErrTooLarge, r.ContentLength, s.opts.MaxBody)
	}
	var body io.Reader = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip body: %v", ErrInvalid, err)
		}
		defer zr.Close()
		body = &capped{r: zr, n: s.opts.MaxBody}
	default:
		return nil, fmt.Errorf("%w: Content-Encoding %q: send plain or gzip", ErrInvalid, enc)
	}
	var b *entry.Batch
	dec := json.NewDecoder(body)
	if err := dec.Decode(&b); err != nil {
		return nil, s.bodyError(err, "body is not an entry batch")
	}
	if b == nil {
		return nil, fmt.Errorf(`%w: body is null: want {"entries": [...]}`, ErrInvalid)
	}
	if len(b.Entries) > entry.MaxBatch {
		return nil, fmt.Errorf("%w: %d entries in a batch, at most %d", ErrTooLarge, len(b.Entries), entry.MaxBatch)
	}
	// One batch a body: what follows it is a client's bug, or an attempt
	// to slip something past a proxy that reads the first value only.
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("another JSON value")
		}
		return nil, s.bodyError(err, "data after the entry batch")
	}
	return b, nil
}

// bodyError is the error for a body that failed to read or decode.
func (s *Server) bodyError(err error, what string) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) || errors.Is(err, errCapped):
		return fmt.Errorf("%w: body over %d bytes", ErrTooLarge, s.opts.MaxBody)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: body: %v", ErrTooSlow, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrInvalid, what, err)
}

var errCapped = errors.New("decoded body over the cap")

// capped reads at most n bytes and fails after: a gzip bomb stops at the
// cap rather than at the end of memory.
type capped struct {
	r io.Reader
	n int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.n <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, errCapped
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}
