package pgstore_test

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/hub"

	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// TestMigrateOutOfOrder: a migration numbered below one the database has
// is applied, not refused: migrations are numbered as they are planned
// (00002 the authority's, 00003 the kiosks' status, 00004 the users') and
// may land in any order. The database here had every migration but 3, as
// if 3 came after 4.
func TestMigrateOutOfOrder(t *testing.T) {
	if pgstore.SchemaVersion() <= 3 {
		t.Skip("needs a migration numbered above 3 (with 3 the newest, applying it is in order)")
	}
	url := pgtest.Database(t)
	if _, _, err := pgstore.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	c := conn(t, url)
	if _, err := c.Exec(ctx, `DROP TABLE kiosk_status; DELETE FROM goose_db_version WHERE version_id = 3`); err != nil {
		t.Fatal(err)
	}
	from, to, err := pgstore.Migrate(ctx, url)
	if err != nil || from != pgstore.SchemaVersion() || to != from {
		t.Fatalf("Migrate with 3 missing = %d, %d, %v; want %d, %[4]d", from, to, err, pgstore.SchemaVersion())
	}
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM kiosk_status`).Scan(&n); err != nil {
		t.Errorf("kiosk_status after the migration: %v", err)
	}
	if err := c.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id = 3 AND is_applied`).Scan(&n); err != nil || n != 1 {
		t.Errorf("migration 3 recorded %d times (%v), want once", n, err)
	}
}

// fleetGauges reads the fleet gauges from a server's /metrics; false when
// they are not there.
func fleetGauges(t *testing.T, url string) (seen, current, oldest float64, ok bool) {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n := 0
	for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
		name, v, _ := strings.Cut(sc.Text(), " ")
		f, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil:
		case name == "passhub_fleet_kiosks_seen":
			seen, n = f, n+1
		case name == "passhub_fleet_kiosks_current_bundle":
			current, n = f, n+1
		case name == "passhub_fleet_oldest_waiting_seconds":
			oldest, n = f, n+1
		}
	}
	return seen, current, oldest, n == 3
}

// TestReplicasFleet: a status a kiosk posts to one replica counts in the
// fleet gauges of the other, on one database: the figures come from the
// store, so every replica shows the same.
func TestReplicasFleet(t *testing.T) {
	url := pgtest.Database(t)
	var now atomic.Pointer[time.Time]
	now.Store(&t0)
	clock := func() time.Time { return *now.Load() }
	serve := func() *hub.Server {
		s, err := hub.NewServer(mustOpenWith(t, url, &pgstore.Options{Now: clock}), hub.Options{Addr: "127.0.0.1:0"})
		if err != nil {
			t.Fatal(err)
		}
		s.Now = clock
		if err := s.Open(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := serve(), serve()
	st := mustOpen(t, url)
	if err := st.PutBundle(ctx, []byte("bundle 7"), 7); err != nil {
		t.Fatal(err)
	}
	token, err := st.AddKiosk(ctx, "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	if seen, _, _, ok := fleetGauges(t, b.URL()); !ok || seen != 0 {
		t.Fatalf("before any status, replica b: seen %g (gauges there: %v)", seen, ok)
	}
	req, _ := http.NewRequest(http.MethodPost, a.URL()+"/v1/status", strings.NewReader(
		`{"bundle_sequence": 7, "waiting": 4, "oldest_waiting": "2021-12-13T02:59:00Z", "clock": "2021-12-13T03:00:00Z", "version": "v1", "camera": "streaming"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status to replica a: %d", resp.StatusCode)
	}
	later := t0.Add(30 * time.Second) // past the figures' 5 s
	now.Store(&later)
	// b's cache of the bundle follows a's publish by NOTIFY.
	if !eventually(5*time.Second, func() bool {
		seen, current, oldest, ok := fleetGauges(t, b.URL())
		return ok && seen == 1 && current == 1 && oldest == 90
	}) {
		seen, current, oldest, ok := fleetGauges(t, b.URL())
		t.Errorf("replica b: seen %g, current %g, oldest %g s (%v); want 1, 1, 90", seen, current, oldest, ok)
	}
	for _, s := range []*hub.Server{a, b} {
		if seen, current, oldest, _ := fleetGauges(t, s.URL()); seen != 1 || current != 1 || oldest != 90 {
			t.Errorf("replica %s: seen %g, current %g, oldest %g s; want 1, 1, 90", s.URL(), seen, current, oldest)
		}
	}
}
