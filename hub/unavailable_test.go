package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// downStore is a store whose database went away for writes.
type downStore struct{ hub.Store }

func (downStore) PutEntries(context.Context, hub.Kiosk, []entry.Entry) (hub.PutResult, error) {
	return hub.PutResult{}, fmt.Errorf("%w: connection refused", hub.ErrUnavailable)
}

// TestStoreUnavailable: a store that cannot be reached answers 503 with
// Retry-After, never 500, and acknowledges nothing.
func TestStoreUnavailable(t *testing.T) {
	st, _ := mustOpenBolt(t)
	token, err := st.AddKiosk(context.Background(), "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	s := mustServe(t, downStore{st}, hub.Options{})
	body, err := json.Marshal(entry.Batch{Entries: makeEntries(t, "cafe", "door", 1, 3)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/entries", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if n := count(t, st); n != 0 {
		t.Errorf("%d entries stored", n)
	}
}

// TestAnnouncedBodyTooLarge: a push announcing a body over the cap is
// refused with 413 at once, without waiting for the body; headers over
// 32 KiB are refused too.
func TestAnnouncedBodyTooLarge(t *testing.T) {
	st, _ := mustOpenBolt(t)
	token, err := st.AddKiosk(context.Background(), "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	s := mustServe(t, st, hub.Options{})
	pr, pw := io.Pipe() // a body that never comes
	defer pw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/entries", pr)
	req.ContentLength = 1 << 30
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 1 GiB announced body: status %d, want 413", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, s.URL()+"/v1/bundle", nil)
	req.Header.Set("X-Padding", strings.Repeat("x", 64<<10))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("64 KiB of headers: status %d, want 431", resp.StatusCode)
		}
	}
}

// TestClientGaveUp: a store call cut short because the client left is not
// the hub's error: logged at debug, counted as 499, never "request failed".
func TestClientGaveUp(t *testing.T) {
	var logs bytes.Buffer
	st, _ := mustOpenBolt(t)
	s, err := hub.NewServer(canceledStore{st}, hub.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(entry.Batch{Entries: makeEntries(t, "venue-1", "kiosk-1", 1, 3)})
	rctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(rctx, http.MethodPost, "/v1/entries", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != hub.StatusClientClosed || strings.Contains(logs.String(), "request failed") {
		t.Errorf("a push whose client left: %d, log %q", rec.Code, logs.String())
	}
}

// canceledStore fails PutEntries with the context's error, as a store does
// whose caller went away.
type canceledStore struct{ hub.Store }

func (s canceledStore) PutEntries(ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
	<-ctx.Done()
	return hub.PutResult{}, fmt.Errorf("put %d entries of kiosk %s: %w", len(es), k.ID, ctx.Err())
}
