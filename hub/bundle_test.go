package hub_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/hub"
)

func TestBundleGet(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	if resp, body := get(t, s.URL()+"/v1/bundle"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("no bundle published: %s %s", resp.Status, body)
	}
	data, key := fixture(t)
	if _, err := hub.Publish(ctx, st, data, key, t0); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`

	resp, body := get(t, s.URL()+"/v1/bundle")
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET: %s, %d bytes, want the %d of the fixture", resp.Status, len(body), len(data))
	}
	if got := resp.Header.Get("ETag"); got != etag {
		t.Errorf("ETag %s, want %s", got, etag)
	}
	if got := resp.Header.Get("X-Bundle-Sequence"); got != "1" {
		t.Errorf("X-Bundle-Sequence %q", got)
	}
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("Content-Encoding %q without Accept-Encoding", resp.Header.Get("Content-Encoding"))
	}

	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		resp, body = get(t, s.URL()+"/v1/bundle", "If-None-Match", inm)
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %s, %d bytes, ETag %s", inm, resp.Status, len(body), resp.Header.Get("ETag"))
		}
	}
	if resp, _ = get(t, s.URL()+"/v1/bundle", "If-None-Match", `"0000"`); resp.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match of another bundle: %s", resp.Status)
	}

	resp, body = get(t, s.URL()+"/v1/bundle", "Accept-Encoding", "br;q=1, gzip;q=0.8")
	if resp.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(data) {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding %q, %d bytes", resp.Header.Get("Content-Encoding"), len(body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, data) {
		t.Fatalf("gunzipped body differs from the bundle (%v)", err)
	}
	if resp.Header.Get("ETag") != etag || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("gzip: ETag %s, Vary %q", resp.Header.Get("ETag"), resp.Header.Get("Vary"))
	}
	if resp, _ = get(t, s.URL()+"/v1/bundle", "Accept-Encoding", "gzip;q=0"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got gzip")
	}

	// A download cut short resumes with a range.
	resp, body = get(t, s.URL()+"/v1/bundle", "Range", "bytes=1000-")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[1000:]) {
		t.Errorf("Range: %s, %d bytes", resp.Status, len(body))
	}

	// Go's client, as a kiosk uses it: transparent gzip, the same bytes.
	r2, err := http.Get(s.URL() + "/v1/bundle")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if !bytes.Equal(got, data) {
		t.Error("default client: body differs")
	}
	b, err := bundle.Load(got, key, nil, t0)
	if err != nil || b.Sequence() != 1 {
		t.Errorf("LoadBundle of the fetched bundle: %v", err)
	}

	if n := metric(t, s.URL(), "passhub_bundle_not_modified_total"); n != 4 {
		t.Errorf("304s counted %v, want 4", n)
	}
	if n := metric(t, s.URL(), `passhub_bundle_fetches_total{part="full"}`); n != 6 {
		t.Errorf("full fetches counted %v, want 6", n)
	}
}

// TestBundleDelta: a kiosk with bundle 1 gets bundle 2, in which one of
// three segments changed, by fetching the head and one segment.
func TestBundleDelta(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	a, b, c, c2 := hashes(1, 500), hashes(2, 300), hashes(3, 40), hashes(4, 45)
	old := signBundle(t, 1, a, b, c)
	if _, err := hub.Publish(ctx, st, old, pinned, t0); err != nil {
		t.Fatal(err)
	}
	cur, err := bundle.Load(old, pinned, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	have, err := bundle.Segments(old)
	if err != nil {
		t.Fatal(err)
	}
	next := signBundle(t, 2, a, b, c2)
	if _, err := hub.Publish(ctx, st, next, pinned, t0); err != nil {
		t.Fatal(err)
	}

	resp, head := get(t, s.URL()+"/v1/bundle/head", "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("head: %s %s", resp.Status, head)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			t.Fatal(err)
		}
		head, _ = io.ReadAll(zr)
	}
	sum := sha256.Sum256(next)
	if resp.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` || resp.Header.Get("X-Bundle-Sequence") != "2" {
		t.Errorf("head: ETag %s sequence %s", resp.Header.Get("ETag"), resp.Header.Get("X-Bundle-Sequence"))
	}
	if r, _ := get(t, s.URL()+"/v1/bundle/head", "If-None-Match", resp.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("head with its ETag: %s", r.Status)
	}

	lookup := func(s [32]byte) ([]byte, bool) { b, ok := have[s]; return b, ok }
	data, missing, err := bundle.Assemble(head, lookup)
	if err != nil || data != nil || len(missing) != 1 {
		t.Fatalf("AssembleBundle: missing %d, %v; want 1 missing", len(missing), err)
	}
	resp, seg := get(t, fmt.Sprintf("%s/v1/bundle/segments/%x", s.URL(), missing[0]))
	if resp.StatusCode != http.StatusOK || sha256.Sum256(seg) != missing[0] {
		t.Fatalf("segment: %s, %d bytes", resp.Status, len(seg))
	}
	if resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("segment Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	have[missing[0]] = seg
	data, missing, err = bundle.Assemble(head, lookup)
	if err != nil || len(missing) != 0 {
		t.Fatalf("AssembleBundle: missing %d, %v", len(missing), err)
	}
	if !bytes.Equal(data, next) {
		t.Fatal("reassembled bundle differs from the published one")
	}
	if b, err := bundle.Load(data, pinned, cur, t0); err != nil || b.Sequence() != 2 {
		t.Fatalf("LoadBundle of the reassembled bundle: %v", err)
	}

	for path, want := range map[string]int{
		"/v1/bundle/segments/" + hex.EncodeToString(make([]byte, 32)): http.StatusNotFound, // not in the bundle
		"/v1/bundle/segments/xyz":                                     http.StatusBadRequest,
		"/v1/bundle/segments/" + hex.EncodeToString(make([]byte, 33)): http.StatusBadRequest,
	} {
		if r, body := get(t, s.URL()+path); r.StatusCode != want {
			t.Errorf("%s: %s %s, want %d", path, r.Status, body, want)
		}
	}
	if n := metric(t, s.URL(), `passhub_bundle_fetches_total{part="segment"}`); n != 1 {
		t.Errorf("segment fetches %v, want 1", n)
	}
	if n := metric(t, s.URL(), `passhub_bundle_fetches_total{part="head"}`); n != 1 {
		t.Errorf("head fetches %v, want 1", n)
	}
}

// TestServeDamagedBundle: a bundle put in the store without Publish (as a
// test of the kiosk's checks does) is served whole as it is, for the kiosk
// to refuse; its head is not served.
func TestServeDamagedBundle(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	cut := signBundle(t, 3, hashes(1, 100))
	cut = cut[:len(cut)-50]
	if err := st.PutBundle(ctx, cut, 3); err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, s.URL()+"/v1/bundle"); resp.StatusCode != http.StatusOK || !bytes.Equal(body, cut) {
		t.Fatalf("GET: %s, %d bytes", resp.Status, len(body))
	}
	if resp, body := get(t, s.URL()+"/v1/bundle/head"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("head of a damaged bundle: %s %s", resp.Status, body)
	}
	resp, body := get(t, s.URL()+"/healthz")
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("truncated")) {
		t.Errorf("healthz: %s %s", resp.Status, body)
	}
}
