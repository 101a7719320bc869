package hub_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// authorityHub is a hub with entries of two kiosks at venue-1 and one at
// venue-2, an authority and the kiosks' tokens.
type authorityHub struct {
	st             *hub.Bolt
	srv            *hub.Server
	authority      string // its token
	kiosk          string // kiosk-1's token
	venue1, venue2 []entry.Entry
}

func newAuthorityHub(t *testing.T) *authorityHub {
	t.Helper()
	st, _ := mustOpenBolt(t)
	h := &authorityHub{st: st, srv: mustServe(t, st, hub.Options{})}
	var err error
	if h.authority, err = st.AddAuthority(ctx, "kdca"); err != nil {
		t.Fatal(err)
	}
	if h.kiosk, err = st.AddKiosk(ctx, "venue-1", "kiosk-1"); err != nil {
		t.Fatal(err)
	}
	k1 := makeEntries(t, "venue-1", "kiosk-1", 1, 3000)
	k3 := makeEntries(t, "venue-1", "kiosk-3", 3, 3000)
	k2 := makeEntries(t, "venue-2", "kiosk-2", 2, 3000)
	for i := range k3 {
		k3[i].Holder = fmt.Sprintf("%064x", i%7)
	}
	k1[10].Method, k1[10].Staff, k1[10].Note = entry.Manual, "staff-1", "=HYPERLINK(\"http://x\")"
	for _, es := range [][]entry.Entry{k1, k3, k2} {
		for i := 0; i < len(es); i += entry.MaxBatch {
			b := es[i:min(i+entry.MaxBatch, len(es))]
			if _, err := st.PutEntries(ctx, hub.Kiosk{ID: b[0].Kiosk, Venue: b[0].Venue}, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	h.venue1 = slices.Concat(k1, k3)
	slices.SortFunc(h.venue1, func(a, b entry.Entry) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	h.venue2 = k2
	return h
}

// authGet asks the hub for path with a token.
func authGet(t *testing.T, base, path, token string) (*http.Response, []byte) {
	t.Helper()
	if token == "" {
		return get(t, base+path)
	}
	return get(t, base+path, "Authorization", "Bearer "+token)
}

func entriesPath(v url.Values) string { return "/v1/authority/entries?" + v.Encode() }

func windowOf(venue string, from, to time.Time, more ...string) url.Values {
	v := url.Values{"venue": {venue}, "from": {from.Format(time.RFC3339Nano)}, "to": {to.Format(time.RFC3339Nano)}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v
}

func inWindow(es []entry.Entry, from, to time.Time, keep func(entry.Entry) bool) []entry.Entry {
	var out []entry.Entry
	for _, e := range es {
		if !e.Time.Before(from) && e.Time.Before(to) && (keep == nil || keep(e)) {
			out = append(out, e)
		}
	}
	return out
}

// TestAuthorityEntries: a venue's entries in a window, of all its kiosks,
// as JSON lines and as CSV (defused), a holder's among them; the trailer
// counts them.
func TestAuthorityEntries(t *testing.T) {
	h := newAuthorityHub(t)
	seoul := time.FixedZone("KST", 9*3600)
	from, to := t0.Add(5*time.Minute).In(seoul), t0.Add(35*time.Minute).In(seoul)

	resp, body := authGet(t, h.srv.URL(), entriesPath(windowOf("venue-1", from, to)), h.authority)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("jsonl: %d %s: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var got []entry.Entry
	dec := json.NewDecoder(strings.NewReader(string(body)))
	for dec.More() {
		var e entry.Entry
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := inWindow(h.venue1, from, to, nil)
	if len(want) != 3600 {
		t.Fatalf("the test's window holds %d entries, want 3600", len(want))
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("jsonl (-want +got):\n%s", diff)
	}
	if n := resp.Trailer.Get(hub.EntriesTrailer); n != "3600" {
		t.Errorf("trailer %s: %q, want 3600", hub.EntriesTrailer, n)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}

	resp, body = authGet(t, h.srv.URL(), entriesPath(windowOf("venue-1", t0, t0.Add(time.Minute), "format", "csv")), h.authority)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want = inWindow(h.venue1, t0, t0.Add(time.Minute), nil)
	if len(rows) != 1+len(want) || rows[0][0] != "id" {
		t.Fatalf("csv: %d rows, want a header and %d", len(rows), len(want))
	}
	for i, e := range want {
		if rows[1+i][0] != e.ID || rows[1+i][3] != e.Kiosk {
			t.Errorf("csv row %d: %v, want entry %s of %s", 1+i, rows[1+i][:4], e.ID, e.Kiosk)
		}
		if e.Note != "" && rows[1+i][12] != "'"+e.Note {
			t.Errorf("note %q in the CSV as %q: not defused", e.Note, rows[1+i][12])
		}
	}

	holder := fmt.Sprintf("%064x", 3)
	resp, body = authGet(t, h.srv.URL(), entriesPath(windowOf("venue-1", from, to, "holder", holder)), h.authority)
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	want = inWindow(h.venue1, from, to, func(e entry.Entry) bool { return e.Holder == holder })
	if resp.StatusCode != http.StatusOK || len(lines) != len(want) || len(want) == 0 {
		t.Fatalf("holder: %d, %d lines, want %d", resp.StatusCode, len(lines), len(want))
	}
	for i, l := range lines {
		if !strings.Contains(l, want[i].ID) {
			t.Errorf("holder line %d: %.80s, want entry %s", i, l, want[i].ID)
		}
	}

	// An empty window's answer is empty, with its count.
	resp, body = authGet(t, h.srv.URL(), entriesPath(windowOf("venue-9", from, to)), h.authority)
	if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Trailer.Get(hub.EntriesTrailer) != "0" {
		t.Errorf("a venue without entries: %d, %q, trailer %q", resp.StatusCode, body, resp.Trailer.Get(hub.EntriesTrailer))
	}
}

// TestAuthorityCounts: entries per venue per hour, of one venue or all, as
// the store counts them.
func TestAuthorityCounts(t *testing.T) {
	h := newAuthorityHub(t)
	for _, venue := range []string{"venue-1", "venue-2", ""} {
		from, to := t0.Add(-time.Hour), t0.Add(2*time.Hour)
		v := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
		if venue != "" {
			v.Set("venue", venue)
		}
		resp, body := authGet(t, h.srv.URL(), "/v1/authority/counts?"+v.Encode(), h.authority)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("counts of %q: %d %s", venue, resp.StatusCode, body)
		}
		var got hub.CountsResponse
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		want, err := h.st.HourlyCounts(ctx, venue, from, to)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range got.Counts {
			total += c.Entries
		}
		if wantTotal := map[string]int{"venue-1": 6000, "venue-2": 3000, "": 9000}[venue]; total != wantTotal {
			t.Errorf("counts of %q add up to %d, want %d", venue, total, wantTotal)
		}
		if diff := cmp.Diff(hub.CountsResponse{Venue: venue, From: from, To: to, Counts: want}, got); diff != "" {
			t.Errorf("counts of %q (-want +got):\n%s", venue, diff)
		}
	}
}

// TestAuthorityTokens: the authority's endpoints take an authority's token
// only, and the kiosks' endpoints a kiosk's only: the other role's token,
// an unknown one, a revoked one or none is 401.
func TestAuthorityTokens(t *testing.T) {
	h := newAuthorityHub(t)
	other, err := h.st.AddAuthority(ctx, "busan")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.RevokeAuthority(ctx, "busan"); err != nil {
		t.Fatal(err)
	}
	entries := entriesPath(windowOf("venue-1", t0, t0.Add(time.Hour)))
	counts := "/v1/authority/counts?" + url.Values{"from": {t0.Format(time.RFC3339)}, "to": {t0.Add(time.Hour).Format(time.RFC3339)}}.Encode()
	for what, token := range map[string]string{"a kiosk's token": h.kiosk, "a revoked authority's token": other,
		"no token": "", "an unknown token": strings.Repeat("A", 43)} {
		for _, path := range []string{entries, counts} {
			resp, body := authGet(t, h.srv.URL(), path, token)
			if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "venue-1") {
				t.Errorf("%s on %.22s: %d %s, want 401 and no entries", what, path, resp.StatusCode, body)
			}
		}
	}
	// The authority's token pushes nothing, and reports no status.
	es := makeEntries(t, "venue-1", "kiosk-1", 9, 1)
	if status, _, body := post(t, h.srv.URL(), h.authority, es); status != http.StatusUnauthorized {
		t.Errorf("an authority's token on POST /v1/entries: %d %s, want 401", status, body)
	}
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL()+"/v1/status", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+h.authority)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an authority's token on POST /v1/status: %d, want 401", resp.StatusCode)
	}
	// And the kiosk's token still pushes.
	if status, _, body := post(t, h.srv.URL(), h.kiosk, es); status != http.StatusOK {
		t.Errorf("the kiosk's own token: %d %s", status, body)
	}
}

// TestAuthorityBadRequests: a parameter missing, malformed or unknown, or
// a window reversed or too long, is 400 with a message naming it.
func TestAuthorityBadRequests(t *testing.T) {
	h := newAuthorityHub(t)
	ok := func(more ...string) url.Values { return windowOf("venue-1", t0, t0.Add(time.Hour), more...) }
	del := func(v url.Values, k string) url.Values { v.Del(k); return v }
	for _, c := range []struct {
		path string
		says string
	}{
		{entriesPath(del(ok(), "venue")), "venue is required"},
		{entriesPath(del(ok(), "from")), "from is required"},
		{entriesPath(del(ok(), "to")), "to is required"},
		{entriesPath(ok("from", "2021-12-13")), `from "2021-12-13": want an RFC 3339 time`},
		{entriesPath(ok("to", "noon")), `to "noon"`},
		{entriesPath(ok("to", t0.Format(time.RFC3339))), "from must be before to"},
		{entriesPath(ok("from", t0.Add(2*time.Hour).Format(time.RFC3339))), "from must be before to"},
		{entriesPath(ok("to", t0.Add(hub.MaxWindow+time.Second).Format(time.RFC3339))), "longer than 31 days"},
		{entriesPath(ok("format", "xml")), `format "xml"`},
		{entriesPath(ok("since", "2021-12-13")), `unknown parameter "since"`},
		{entriesPath(ok("holder", strings.Repeat("a", 129))), "holder id must have 1 to 128 bytes"},
		{entriesPath(ok("venue", "two words")), "venue id"},
		{entriesPath(ok()) + "&venue=venue-2", "parameter venue given 2 times"},
		{"/v1/authority/counts?from=2021-12-13T00:00:00Z", "to is required"},
		{"/v1/authority/counts?from=2021-12-13T00:00:00Z&to=2022-02-13T00:00:00Z", "longer than 31 days"},
		{"/v1/authority/counts?from=2021-12-13T00:00:00Z&to=2021-12-14T00:00:00Z&holder=x", `unknown parameter "holder"`},
	} {
		resp, body := authGet(t, h.srv.URL(), c.path, h.authority)
		var e struct{ Error string }
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error, c.says) {
			t.Errorf("%s: %d %s, want 400 saying %q", c.path, resp.StatusCode, body, c.says)
		}
	}
}

// gated is a store whose query stops after n entries until gate is closed,
// or fails there with err.
type gated struct {
	hub.Store
	n    int
	gate chan struct{}
	err  error
}

func (g *gated) QueryEntries(ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
	i := 0
	return g.Store.QueryEntries(ctx, q, func(e entry.Entry) error {
		if i++; i == g.n {
			if g.err != nil {
				return g.err
			}
			select {
			case <-g.gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return fn(e)
	})
}

// TestAuthorityStreams: the entries reach the client as they are read,
// not once all are; a store failing before the first is answered with
// its status, one failing later cuts the response, which the client
// cannot take for a whole one.
func TestAuthorityStreams(t *testing.T) {
	h := newAuthorityHub(t)
	path := entriesPath(windowOf("venue-1", t0, t0.Add(2*time.Hour)))

	g := &gated{Store: h.st, n: 1000, gate: make(chan struct{})}
	s := mustServe(t, g, hub.Options{})
	req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+h.authority)
	lines := make(chan int, 2) // the 500th line; then all, or -1 for an error
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			lines <- -1
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		n := 0
		for sc.Scan() {
			if n++; n == 500 {
				lines <- n
			}
		}
		lines <- n
	}()
	select {
	case n := <-lines: // 500 lines while the store holds the rest back
		if n != 500 {
			t.Fatalf("%d lines", n)
		}
	case <-time.After(20 * time.Second):
		close(g.gate)
		t.Fatal("no entries reached the client while the store was held: the answer is not streamed")
	}
	close(g.gate)
	if n := <-lines; n != 6000 {
		t.Errorf("%d lines in all, want 6000", n)
	}

	for _, c := range []struct {
		n      int
		status int
	}{{1, http.StatusServiceUnavailable}, {2000, 0}} {
		bad := &gated{Store: h.st, n: c.n, err: fmt.Errorf("%w: the database went away", hub.ErrUnavailable)}
		s := mustServe(t, bad, hub.Options{})
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+h.authority)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch c.status {
		case http.StatusServiceUnavailable:
			if resp.StatusCode != c.status || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "went away") {
				t.Errorf("a store failing at once: %d %s", resp.StatusCode, body)
			}
		default:
			if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "unexpected EOF") {
				t.Errorf("a store failing after %d entries: read %d bytes, %v; want the response cut", c.n, len(body), err)
			}
			if resp.Trailer.Get(hub.EntriesTrailer) != "" {
				t.Errorf("a cut response has the trailer %q", resp.Trailer.Get(hub.EntriesTrailer))
			}
		}
	}
}
