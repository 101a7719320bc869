package uplink_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/uplink"
)

// TestNoRedirects: a hub that answers 307 (to another host, or from https
// to http) is not followed: the entries and the token stay home, and the
// error names where it pointed.
func TestNoRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	reg := &memRegister{pending: entries(t, 3)}
	u := newUplink(t, redirect.URL, reg, uplink.Options{})
	_, err := u.Once(context.Background())
	if err == nil || !strings.Contains(err.Error(), other.URL+"/v1/entries") || !strings.Contains(err.Error(), "not followed") {
		t.Fatalf("err = %v, want the redirect named", err)
	}
	if elsewhere.Load() != 0 || len(reg.pending) != 3 {
		t.Errorf("%d requests reached the other host; %d entries pending", elsewhere.Load(), len(reg.pending))
	}
}

// TestNotModifiedWithoutETag: a 304 to a pull that sent no ETag is an
// error, not "unchanged".
func TestNotModifiedWithoutETag(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, uplink.Options{})
	rep, err := u.Once(context.Background())
	if err == nil || rep.Bundle == "unchanged" || !strings.Contains(err.Error(), "without an ETag") {
		t.Fatalf("report %+v, err %v", rep, err)
	}
}

// TestPushDespiteFailedPull: a pull that fails does not keep the entries
// back.
func TestPushDespiteFailedPull(t *testing.T) {
	hub := &fakeHub{stored: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/bundle") {
			http.Error(w, "disk on fire", http.StatusInternalServerError)
			return
		}
		hub.ServeHTTP(w, r)
	}))
	defer srv.Close()
	reg := &memRegister{pending: entries(t, 5)}
	u := newUplink(t, srv.URL, reg, uplink.Options{})
	rep, err := u.Once(context.Background())
	if err == nil || !strings.Contains(err.Error(), "pull bundle") {
		t.Errorf("err = %v, want the pull's failure", err)
	}
	if rep.Pushed != 5 || len(hub.stored) != 5 || len(reg.pending) != 0 {
		t.Fatalf("pushed %d, stored %d, pending %d", rep.Pushed, len(hub.stored), len(reg.pending))
	}
}

// TestAckOfUnsentIDs: acknowledgements for ids the kiosk never sent are
// not counted as pushed, and an answer of only those is an error.
func TestAckOfUnsentIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/entries" {
			http.Error(w, "no bundle", http.StatusNotFound)
			return
		}
		w.Write([]byte(`{"acked":["01ARZ3NDEKTSV4RRFFQ69G5FAV","01BX5ZZKBKACTAV9WEVGEMMVRZ"]}`))
	}))
	defer srv.Close()
	reg := &memRegister{pending: entries(t, 2)}
	u := newUplink(t, srv.URL, reg, uplink.Options{})
	rep, err := u.Once(context.Background())
	if rep.Pushed != 0 || len(reg.pending) != 2 || err == nil || !strings.Contains(err.Error(), "acknowledged nothing") {
		t.Fatalf("pushed %d, pending %d, err %v", rep.Pushed, len(reg.pending), err)
	}
}

// TestHeadCheckedFirst: a head with a forged signature, or one naming far
// too many parts, is refused before any segment is fetched.
func TestHeadCheckedFirst(t *testing.T) {
	_, priv := keys(t)
	_, forger, _ := ed25519.GenerateKey(nil)
	good := signedBundle(t, priv, 5)
	var segments atomic.Int32
	var head []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/bundle":
			w.Write(good)
		case r.URL.Path == "/v1/bundle/head":
			w.Write(head)
		case strings.HasPrefix(r.URL.Path, "/v1/bundle/segments/"):
			segments.Add(1)
			http.NotFound(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, uplink.Options{})
	if _, err := u.Once(context.Background()); err != nil || u.Trust().Sequence() != 5 {
		t.Fatalf("first pull: %v", err)
	}
	// Other rules, so the kiosk lacks a part and would fetch it.
	data, err := bundle.Sign(&bundle.Spec{Sequence: 9, IssuedAt: t0, ValidUntil: t0.Add(72 * time.Hour),
		Policy: presets.Must("eu-3g")}, forger)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := bundle.Head(data)
	if err != nil {
		t.Fatal(err)
	}
	head = forged
	if _, err := u.Once(context.Background()); err != nil || !errors.Is(u.State().BundleError, bundle.ErrSignature) {
		t.Fatalf("forged head: %v, bundle error %v", err, u.State().BundleError)
	}
	if segments.Load() != 0 || u.Trust().Sequence() != 5 {
		t.Errorf("%d segments fetched for a forged head; trust %d", segments.Load(), u.Trust().Sequence())
	}
}

// TestRoundDeadline: a hub that trickles its answer cannot hold a round
// past RoundTimeout; an oversize Content-Length is refused unread.
func TestRoundDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/bundle" && r.URL.Query().Get("big") == "" {
			w.Header().Set("Content-Length", "1")
			w.WriteHeader(http.StatusOK)
			<-r.Context().Done() // never sends the byte
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, uplink.Options{RoundTimeout: 200 * time.Millisecond})
	start := time.Now()
	if _, err := u.Once(context.Background()); err == nil {
		t.Fatal("a stalled pull ended without an error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the round took %s with a 200 ms deadline", d)
	}

	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2000000000")
		w.WriteHeader(http.StatusOK)
	}))
	defer big.Close()
	u = newUplink(t, big.URL, &memRegister{}, uplink.Options{})
	if _, err := u.Once(context.Background()); err == nil || !strings.Contains(err.Error(), "2000000000 bytes") {
		t.Errorf("a 2 GB bundle: %v", err)
	}
}
