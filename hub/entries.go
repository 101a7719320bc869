package hub

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

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
	for _, e := range batch.Entries {
		if err := e.Check(); err != nil {
			rejected = append(rejected, entry.Reject{ID: e.ID, Error: err.Error()})
			continue
		}
		if e.Venue != k.Venue || e.Kiosk != k.ID {
			rejected = append(rejected, entry.Reject{ID: e.ID, Error: fmt.Sprintf(
				"%v: entry of venue %q kiosk %q, but the token is kiosk %q's of venue %q", ErrForbidden, e.Venue, e.Kiosk, k.ID, k.Venue)})
			continue
		}
		good = append(good, e)
	}
	res, err := s.store.PutEntries(r.Context(), k, good)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rejected = append(rejected, res.Rejected...)
	s.m.batches.Inc()
	s.m.entriesStored.Add(float64(res.New))
	s.m.entriesDuplicate.Add(float64(len(res.Acked) - res.New))
	s.m.entriesRejected.Add(float64(len(rejected)))
	writeJSON(w, http.StatusOK, entry.Ack{Acked: res.Acked, Rejected: rejected})
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
	var b entry.Batch
	if err := json.NewDecoder(body).Decode(&b); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || errors.Is(err, errCapped) {
			return nil, fmt.Errorf("%w: body over %d bytes", ErrTooLarge, s.opts.MaxBody)
		}
		return nil, fmt.Errorf("%w: body is not an entry batch: %v", ErrInvalid, err)
	}
	if len(b.Entries) > entry.MaxBatch {
		return nil, fmt.Errorf("%w: %d entries in a batch, at most %d", ErrTooLarge, len(b.Entries), entry.MaxBatch)
	}
	return &b, nil
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
