package hub_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// t0 is lunchtime on 13 December 2021 in Seoul, when Korea's central
// check-in servers fell over.
var t0 = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)

var (
	signer = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	pinned = signer.Public().(ed25519.PublicKey)
	ctx    = context.Background()
)

// mustOpenBolt opens a store in a fresh directory, closed at the end of
// the test.
func mustOpenBolt(t testing.TB) (*hub.Bolt, string) {
	t.Helper()
	dir := t.TempDir()
	return mustReopen(t, dir), dir
}

// mustReopen opens the store in dir, closed at the end of the test.
func mustReopen(t testing.TB, dir string) *hub.Bolt {
	t.Helper()
	st, err := hub.OpenBolt(dir, &hub.BoltOptions{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// mustServe starts a server on a free loopback port, closed at the end of
// the test.
func mustServe(t testing.TB, st hub.Store, opts hub.Options) *hub.Server {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	s, err := hub.NewServer(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return t0 }
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// signBundle makes a bundle signed by signer, valid around t0, with one
// revocation segment per list.
func signBundle(t testing.TB, seq uint64, lists ...[][16]byte) []byte {
	t.Helper()
	auth, err := ecdh.X25519().GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	spec := &bundle.Spec{
		Sequence:   seq,
		IssuedAt:   t0.Add(-time.Hour),
		ValidUntil: t0.Add(72 * time.Hour),
		Policy:     presets.Must(presets.Default),
		Authority:  auth.PublicKey(),
	}
	for _, l := range lists {
		spec.Revocations = append(spec.Revocations, bundle.RevocationSegment{Type: verify.HashUCI, Hashes: l})
	}
	data, err := bundle.Sign(spec, signer)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// hashes makes n random revocation hashes from a seed.
func hashes(seed uint64, n int) [][16]byte {
	r := rand.New(rand.NewPCG(seed, 2))
	out := make([][16]byte, n)
	for i := range out {
		for j := range 16 {
			out[i][j] = byte(r.Uint32())
		}
	}
	return out
}

// fixture reads the project's fixture bundle (sequence 1) and its key.
func fixture(t testing.TB) ([]byte, ed25519.PublicKey) {
	t.Helper()
	data, err := os.ReadFile("../testdata/bundle.bin")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile("../testdata/keys/bundle.pub")
	if err != nil {
		t.Fatal(err)
	}
	key, err := bundle.ParseKey(string(pub))
	if err != nil {
		t.Fatal(err)
	}
	return data, key
}

// makeEntries makes n valid entries of a kiosk, ids from seed.
func makeEntries(t testing.TB, venue, kiosk string, seed uint64, n int) []entry.Entry {
	t.Helper()
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), 1}))
	out := make([]entry.Entry, n)
	for i := range out {
		at := t0.Add(time.Duration(i) * time.Second)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = entry.Entry{ID: id, Time: at, Venue: venue, Kiosk: kiosk, Method: entry.Camera, Outcome: entry.Admitted,
			Format: "eu-dcc", Type: "v", Country: "KR", Holder: strings.Repeat("ab", 32)}
	}
	return out
}

// post sends a batch with a token and returns the status and the ack (or
// error body).
func post(t testing.TB, url, token string, entries []entry.Entry) (int, entry.Ack, string) {
	t.Helper()
	body, err := json.Marshal(entry.Batch{Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, url, token, body, nil)
}

func postRaw(t testing.TB, url, token string, body []byte, header http.Header) (int, entry.Ack, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url+"/v1/entries", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var ack entry.Ack
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &ack); err != nil {
			t.Fatalf("ack %s: %v", raw, err)
		}
	}
	return resp.StatusCode, ack, string(raw)
}

// count counts the stored entries.
func count(t testing.TB, st hub.Store) int {
	t.Helper()
	n := 0
	seen := map[string]bool{}
	err := st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error {
		if seen[e.ID] {
			return fmt.Errorf("entry %s exported twice", e.ID)
		}
		seen[e.ID] = true
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// metric reads one sample from /metrics: name with its labels as they
// appear, e.g. `passhub_bundle_fetches_total{part="full"}`.
func metric(t testing.TB, url, name string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ' ')
		if k, v := line[:max(i, 0)], line[i+1:]; k == name {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("metric %s not in /metrics", name)
	return 0
}

// get fetches a URL with headers; a client without transparent gzip so
// the test sees what the hub sent.
func get(t testing.TB, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true, DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
