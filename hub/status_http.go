package hub

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// MaxStatusBody caps the body of POST /v1/status: a status is a few
// hundred bytes.
const MaxStatusBody = 4 << 10

// StatusReport is the body of POST /v1/status: what a kiosk says of
// itself. Who it is (kiosk and venue) comes from its token and when it was
// heard (seen) from the hub's clock, never from the body: a body naming
// them is refused, as is any field not here. bundle_sequence, waiting,
// clock, version and camera are required.
type StatusReport struct {
	BundleSequence *uint64   `json:"bundle_sequence"`
	Waiting        *int      `json:"waiting"`
	OldestWaiting  time.Time `json:"oldest_waiting,omitzero"`
	Clock          time.Time `json:"clock"`
	Version        string    `json:"version"`
	Camera         string    `json:"camera"`
	LastError      string    `json:"last_error,omitempty"`
}

// postStatus keeps the status a kiosk reports (with its pushes, or as a
// heartbeat) and answers 204. The kiosk's status is replaced as a whole.
func (s *Server) postStatus(w http.ResponseWriter, r *http.Request) {
	k, err := s.authenticate(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := readStatus(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := KioskStatus{
		Kiosk: k.ID, Venue: k.Venue, Seen: s.Now(),
		BundleSequence: *rep.BundleSequence, Waiting: *rep.Waiting, OldestWaiting: rep.OldestWaiting,
		Clock: rep.Clock, Version: rep.Version, Camera: rep.Camera, LastError: rep.LastError,
	}
	if err := CheckStatus(st); err != nil {
		s.writeError(w, r, fmt.Errorf("status: %w", err))
		return
	}
	if err := s.store.PutStatus(r.Context(), st); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readStatus reads the body as one StatusReport, plain JSON of at most
// MaxStatusBody bytes, with the required fields.
func readStatus(w http.ResponseWriter, r *http.Request) (*StatusReport, error) {
	if r.ContentLength > MaxStatusBody {
		return nil, fmt.Errorf("%w: status of %d bytes announced, at most %d", ErrTooLarge, r.ContentLength, MaxStatusBody)
	}
	if enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc != "" && enc != "identity" {
		return nil, fmt.Errorf("%w: Content-Encoding %q: send a status as plain JSON", ErrInvalid, enc)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxStatusBody))
	dec.DisallowUnknownFields()
	var rep *StatusReport
	if err := dec.Decode(&rep); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("%w: status over %d bytes", ErrTooLarge, MaxStatusBody)
		}
		return nil, fmt.Errorf("%w: body is not a status: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: body is not a status: data after the object", ErrInvalid)
	}
	switch {
	case rep == nil:
		return nil, fmt.Errorf("%w: body is not a status: null", ErrInvalid)
	case rep.BundleSequence == nil:
		return nil, fmt.Errorf("%w: status: bundle_sequence is required (0: no bundle)", ErrInvalid)
	case rep.Waiting == nil:
		return nil, fmt.Errorf("%w: status: waiting is required", ErrInvalid)
	}
	return rep, nil
}
