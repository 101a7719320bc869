package pgstore_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// TestMigrateFromEmpty: an empty database is brought to the newest
// version, with the tables and the partitioned entries; again, nothing to
// do.
func TestMigrateFromEmpty(t *testing.T) {
	url := pgtest.Database(t)
	from, to, err := pgstore.Migrate(ctx, url)
	if err != nil || from != 0 || to != pgstore.SchemaVersion() || to < 1 {
		t.Fatalf("Migrate = %d, %d, %v; want 0, %d", from, to, err, pgstore.SchemaVersion())
	}
	c := conn(t, url)
	var strategy string
	if err := c.QueryRow(ctx, `SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'entries'::regclass`).Scan(&strategy); err != nil || strategy != "r" {
		t.Errorf("entries partitioned by %q (%v), want r (range)", strategy, err)
	}
	for _, table := range []string{"kiosks", "bundles"} {
		var n int
		if err := c.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s`, table)).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows, %v", table, n, err)
		}
	}
	from, to, err = pgstore.Migrate(ctx, url)
	if err != nil || from != to || to != pgstore.SchemaVersion() {
		t.Errorf("Migrate again = %d, %d, %v", from, to, err)
	}
	// Open on a migrated database works and migrates nothing.
	st := mustOpen(t, url)
	if _, err := st.Kiosks(ctx); err != nil {
		t.Error(err)
	}
}

// TestSchemaNewer: a database a newer passhub migrated is refused, by
// Migrate and by Open, with both versions named.
func TestSchemaNewer(t *testing.T) {
	url := pgtest.Database(t)
	if _, _, err := pgstore.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	newer := pgstore.SchemaVersion() + 1
	if _, err := conn(t, url).Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, newer); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the database is at schema version %d, this passhub knows versions up to %d", newer, pgstore.SchemaVersion())
	from, _, err := pgstore.Migrate(ctx, url)
	if !errors.Is(err, pgstore.ErrSchemaNewer) || !strings.Contains(err.Error(), want) || from != newer {
		t.Errorf("Migrate: from %d, %v", from, err)
	}
	if _, err := pgstore.Open(ctx, url, nil); !errors.Is(err, pgstore.ErrSchemaNewer) || !strings.Contains(err.Error(), want) {
		t.Errorf("Open: %v", err)
	}
}

// TestMigrateConcurrently: replicas starting at once all end at the newest
// version, the migration applied once.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.Database(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() { _, _, err := pgstore.Migrate(ctx, url); errs <- err }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	var n int
	if err := conn(t, url).QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&n); err != nil || int64(n) != pgstore.SchemaVersion() {
		t.Errorf("%d migrations recorded (%v), want %d", n, err, pgstore.SchemaVersion())
	}
}
