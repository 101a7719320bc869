package pgstore_test

import (
	"testing"

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
