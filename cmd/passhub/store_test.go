package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// serveStore runs `passhub serve --store url` on a free port until the end
// of the test and returns its URL.
func serveStore(t *testing.T, url string) string {
	t.Helper()
	var out, errOut lockedBuffer
	e := &env{stdout: &out, stderr: &errOut, now: time.Now, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, e, []string{"serve", "--addr", "127.0.0.1:0", "--store", url, "--retention-days", "0"})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, after, ok := strings.Cut(errOut.String(), "serving on "); ok {
			hub, rest, _ := strings.Cut(after, ",")
			if strings.Contains(rest, "secret") || !strings.Contains(rest, "store postgres:///") {
				t.Errorf("the serving line: %s", after)
			}
			return hub
		}
		if time.Now().After(deadline) {
			t.Fatalf("not serving: %s", errOut.String())
		}
	}
}

// pushTo posts entries to a hub with a token and returns the status.
func pushTo(t *testing.T, hub, token string, es []entry.Entry) int {
	t.Helper()
	body, _ := json.Marshal(entry.Batch{Entries: es})
	req, _ := http.NewRequest("POST", hub+"/v1/entries", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// etag is the ETag of a hub's bundle, "" when it has none.
func etag(t *testing.T, hub string) string {
	t.Helper()
	resp, err := http.Get(hub + "/v1/bundle")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("ETag")
}

// TestStoreCommands: on PostgreSQL, two `passhub serve` share one
// database, and every admin command works while they run: a kiosk added
// pushes to either, a bundle published is served by both, entries export
// and purge, a kiosk revoked is refused by both.
func TestStoreCommands(t *testing.T) {
	url := pgtest.Database(t)
	code, out, errOut := passhub(t, "migrate", "--store", url)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("schema version 0 → %d", pgstore.SchemaVersion())) {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	if code, out, _ := passhub(t, "migrate", "--store", url); code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("migrate again: %d %s", code, out)
	}
	a, b := serveStore(t, url), serveStore(t, url)

	code, token, errOut := passhub(t, "kiosk", "add", "--store", url, "--venue", "venue-1", "--kiosk", "kiosk-1")
	token = strings.TrimSpace(token)
	if code != 0 || len(token) != 43 || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("kiosk add: %d %q %s", code, token, errOut)
	}
	if code, out, _ := passhub(t, "kiosk", "list", "--store", url); code != 0 || !strings.Contains(out, "kiosk-1  venue-1  2021-12-13T03:00:00Z  active") {
		t.Errorf("kiosk list: %d\n%s", code, out)
	}
	code, out, errOut = passhub(t, "bundle", "publish", "--store", url, "--bundle-key", "../../testdata/keys/bundle.pub", "../../testdata/bundle.bin")
	if code != 0 || !strings.Contains(out, "sequence 1, ") {
		t.Fatalf("bundle publish: %d %s %s", code, out, errOut)
	}
	var tagA, tagB string
	for deadline := time.Now().Add(3 * time.Second); tagA == "" || tagB == ""; time.Sleep(20 * time.Millisecond) {
		tagA, tagB = etag(t, a), etag(t, b)
		if time.Now().After(deadline) {
			t.Fatalf("the bundle published is not served by both replicas within 3 s: %q %q", tagA, tagB)
		}
	}
	if tagA != tagB {
		t.Errorf("replicas serve ETags %s and %s", tagA, tagB)
	}
	if code, _, errOut := passhub(t, "bundle", "publish", "--store", url, "--bundle-key", "../../testdata/keys/bundle.pub", "../../testdata/bundle.bin"); code != 1 || !strings.Contains(errOut, "its sequence is 1, the published bundle's is 1") {
		t.Errorf("publish again: %d %s", code, errOut)
	}

	// 40 entries, one a day up to t0, half through each replica.
	ids := entry.NewIDs(mrand.NewChaCha8([32]byte{1}))
	var es []entry.Entry
	for d := range 40 {
		at := t0.AddDate(0, 0, d-39)
		id, _ := ids.New(at)
		es = append(es, entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Camera, Outcome: entry.Admitted})
	}
	if pushTo(t, a, token, es[:20]) != http.StatusOK || pushTo(t, b, token, es[20:]) != http.StatusOK {
		t.Fatal("push refused")
	}
	code, out, errOut = passhub(t, "entries", "export", "--store", url, "--since", "2021-12-10")
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(errOut, "Exported 4 entries") {
		t.Errorf("export: %d %s %s", code, out, errOut)
	}
	if code, out, _ := passhub(t, "purge", "--store", url); code != 0 || !strings.Contains(out, "Deleted 11 entries recorded before 2021-11-15T03:00:00Z") {
		t.Errorf("purge: %d %s", code, out)
	}
	if code, out, _ := passhub(t, "kiosk", "revoke", "--store", url, "--kiosk", "kiosk-1"); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("kiosk revoke: %d %s", code, out)
	}
	for _, hub := range []string{a, b} {
		if status := pushTo(t, hub, token, es[:1]); status != http.StatusUnauthorized {
			t.Errorf("push of a revoked kiosk to %s: %d", hub, status)
		}
	}
}

// TestStoreErrors: a --store that is not PostgreSQL's, with --data, or
// missing is a usage error; a database out of reach or migrated by a newer
// passhub is a failure that says so, with no password shown.
func TestStoreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"kiosk", "list", "--store", "mysql://db/hub"},
		{"kiosk", "list", "--store", "postgres:///hub", "--data", t.TempDir()},
		{"serve", "--store", "/var/lib/hub"},
		{"migrate"},
		{"migrate", "--store", "hub.db"},
	} {
		if code, out, errOut := passhub(t, args...); code != 2 || out != "" || errOut == "" {
			t.Errorf("%q: exit %d, %q %q; want 2", args, code, out, errOut)
		}
	}
	down := "postgres://op:secret@127.0.0.1:1/hub?connect_timeout=2"
	for _, args := range [][]string{{"kiosk", "list", "--store", down}, {"migrate", "--store", down}} {
		code, _, errOut := passhub(t, args...)
		if code != 1 || !strings.Contains(errOut, "cannot be reached") || strings.Contains(errOut, "secret") || !strings.Contains(errOut, "op:xxxxx@127.0.0.1:1") {
			t.Errorf("%q: exit %d, %s", args, code, errOut)
		}
	}
	url := pgtest.Database(t)
	if _, _, err := pgstore.Migrate(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(context.Background(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, pgstore.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	newer := fmt.Sprintf("at schema version %d, this passhub knows versions up to %d", pgstore.SchemaVersion()+1, pgstore.SchemaVersion())
	for _, args := range [][]string{{"migrate", "--store", url}, {"kiosk", "list", "--store", url}, {"serve", "--addr", "127.0.0.1:0", "--store", url}} {
		if code, _, errOut := passhub(t, args...); code != 1 || !strings.Contains(errOut, "migrated by a newer passhub") || !strings.Contains(errOut, newer) {
			t.Errorf("%q on a newer schema: exit %d, %s", args, code, errOut)
		}
	}
	// In Korean too.
	if code, out, _ := passhubIn(t, t0, korean, "migrate", "--store", pgtest.Database(t)); code != 0 || !strings.Contains(out, "마이그레이션 완료") {
		t.Errorf("migrate in Korean: %d %s", code, out)
	}
}
