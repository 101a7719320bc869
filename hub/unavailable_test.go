package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
