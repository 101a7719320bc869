package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/passgate/passgate/entry"
)

// The health authority's endpoints (registered in server.go):
//
//	GET /v1/authority/entries?venue=V&from=T&to=T[&holder=H][&format=jsonl|csv]
//	GET /v1/authority/counts?from=T&to=T[&venue=V]
//
// T is an RFC 3339 time (fractions of a second allowed), the window
// [from, to) at most MaxWindow long. Both take an authority's token only:
// a kiosk's is answered 401 like an unknown one (the hub does not say
// that it is a valid token of another role), as an authority's is on the
// kiosks' endpoints.

// CountsResponse is the body of /v1/authority/counts.
type CountsResponse struct {
	Venue  string      `json:"venue,omitempty"` // "" for every venue
	From   time.Time   `json:"from"`
	To     time.Time   `json:"to"`
	Counts []HourCount `json:"counts"`
}

// EntriesTrailer is the trailer of /v1/authority/entries: how many entries
// the response holds, sent after the last. A response cut by a failure
// has none (and the connection is cut, so a client sees an error, not an
// end).
const EntriesTrailer = "X-Passhub-Entries"

// ExportQuery writes the entries q selects to w, as Export writes entries
// (the same CSV columns, and cells defused the same way), and returns how
// many it wrote.
func ExportQuery(ctx context.Context, st Store, q Query, f Format, w io.Writer) (int, error) {
	return Export(ctx, queried{st, q}, time.Time{}, f, w)
}

// queried is a store whose export is a query's answer, for Export.
type queried struct {
	Store
	q Query
}

func (s queried) ExportEntries(ctx context.Context, _ time.Time, fn func(entry.Entry) error) error {
	return s.QueryEntries(ctx, s.q, fn)
}

// authenticateAuthority returns the authority of the request's bearer
// token.
func (s *Server) authenticateAuthority(r *http.Request) (Authority, error) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Authority{}, fmt.Errorf("%w: want Authorization: Bearer TOKEN (from passhub authority add)", ErrUnauthorized)
	}
	a, err := s.store.AuthenticateAuthority(r.Context(), strings.TrimSpace(token))
	if err == nil {
		return a, nil
	}
	if errors.Is(err, ErrUnauthorized) {
		return Authority{}, fmt.Errorf("%w: unknown or revoked authority token", ErrUnauthorized)
	}
	return Authority{}, err
}

// params reads a query string: each name at most once, none but those
// allowed.
func params(r *http.Request, allowed ...string) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: query string: %v", ErrInvalid, err)
	}
	for k, vs := range v {
		if !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("%w: unknown parameter %q: want %s", ErrInvalid, k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return nil, fmt.Errorf("%w: parameter %s given %d times", ErrInvalid, k, len(vs))
		}
	}
	return v, nil
}

// window reads from and to, both required.
func window(v url.Values) (from, to time.Time, err error) {
	read := func(name string) (time.Time, error) {
		s := v.Get(name)
		if s == "" {
			return time.Time{}, fmt.Errorf("%w: %s is required: an RFC 3339 time such as 2021-12-13T11:00:00+09:00", ErrInvalid, name)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %s %q: want an RFC 3339 time such as 2021-12-13T11:00:00+09:00", ErrInvalid, name, s)
		}
		return t, nil
	}
	if from, err = read("from"); err != nil {
		return
	}
	if to, err = read("to"); err != nil {
		return
	}
	return from, to, CheckWindow(from, to)
}

// getAuthorityEntries streams the entries of a venue in a window, of a
// holder if asked, as JSON lines or CSV: written as they are read, a
// chunk of the store's at a time, so neither side holds the whole answer.
func (s *Server) getAuthorityEntries(w http.ResponseWriter, r *http.Request) {
	a, err := s.authenticateAuthority(r)
	if err != nil {
		s.m.unauthorized.Inc()
		s.writeError(w, r, err)
		return
	}
	v, err := params(r, "venue", "from", "to", "holder", "format")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := Query{Venue: v.Get("venue"), Holder: v.Get("holder")}
	if q.Venue == "" {
		s.writeError(w, r, fmt.Errorf("%w: venue is required", ErrInvalid))
		return
	}
	if q.From, q.To, err = window(v); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := q.Check(); err != nil {
		s.writeError(w, r, err)
		return
	}
	f := JSONL
	if fs := v.Get("format"); fs != "" {
		if f, err = ParseFormat(fs); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	out := &stream{w: w, rc: http.NewResponseController(w), begin: func(h http.Header) {
		ctype := "application/x-ndjson"
		if f == CSV {
			ctype = "text/csv; charset=utf-8"
		}
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="entries.%s"`, f))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Trailer", EntriesTrailer)
	}}
	n, err := ExportQuery(r.Context(), s.store, q, f, out)
	if err != nil {
		if !out.started {
			s.writeError(w, r, err)
			return
		}
		// Part of the answer is out: cut the connection, so the client
		// cannot take it for all of it.
		s.log.Warn("authority export cut", "authority", a.Name, "venue", q.Venue, "entries", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	out.start()
	w.Header().Set(EntriesTrailer, strconv.Itoa(n))
	s.log.Info("authority export", "authority", a.Name, "venue", q.Venue, "from", q.From, "to", q.To,
		"holder", q.Holder != "", "format", f, "entries", n)
}

// getAuthorityCounts answers the entries per venue per hour in a window,
// of one venue or of all.
func (s *Server) getAuthorityCounts(w http.ResponseWriter, r *http.Request) {
	if _, err := s.authenticateAuthority(r); err != nil {
		s.m.unauthorized.Inc()
		s.writeError(w, r, err)
		return
	}
	v, err := params(r, "venue", "from", "to")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	venue := v.Get("venue")
	if venue != "" {
		if err := checkName("venue", venue); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	from, to, err := window(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := s.store.HourlyCounts(r.Context(), venue, from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, CountsResponse{Venue: venue, From: from.UTC(), To: to.UTC(), Counts: append([]HourCount{}, cs...)})
}

// stream is a response written as it is made: its headers go on the first
// write (until then an error can still be answered with its status), and
// each write is flushed to the client.
type stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	begin   func(http.Header)
	started bool
}

func (s *stream) start() {
	if !s.started {
		s.started = true
		s.begin(s.w.Header())
		s.w.WriteHeader(http.StatusOK)
	}
}

func (s *stream) Write(p []byte) (int, error) {
	s.start()
	n, err := s.w.Write(p)
	if err != nil {
		return n, err
	}
	return n, s.rc.Flush()
}
