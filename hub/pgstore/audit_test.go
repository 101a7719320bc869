package pgstore_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// TestAuditEvents: a kiosk's audit events (entry.Audit, staff actions)
// are stored unchanged in the text columns method and outcome, with no
// migration; put twice they are held once; the export has them; an
// authority's question about a holder never returns them.
func TestAuditEvents(t *testing.T) {
	st := mustOpen(t, pgtest.Database(t))
	k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{9}))
	var es []entry.Entry
	for i, code := range []string{"pin-failed", "pin-lockout", "admin-open", "policy-set:2g", "camera-set", "purge:7", "quit"} {
		at := t0.Add(time.Duration(i) * time.Second)
		id, _ := ids.New(at)
		es = append(es, entry.Entry{ID: id, Time: at, Venue: k.Venue, Kiosk: k.ID, Method: entry.Audit, Outcome: entry.Event,
			Reason: code, Staff: "staff-1", Note: "note " + code})
	}
	for round, wantNew := range []int{len(es), 0} {
		res, err := st.PutEntries(ctx, k, es)
		if err != nil || len(res.Acked) != len(es) || len(res.Rejected) != 0 || res.New != wantNew {
			t.Fatalf("put %d: %+v, %v; want %d acked, %d new", round+1, res, err, len(es), wantNew)
		}
	}
	var got []entry.Entry
	if err := st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(es) {
		t.Fatalf("export: %d entries, want %d", len(got), len(es))
	}
	for i := range es {
		if !entry.Same(&es[i], &got[i]) {
			t.Errorf("entry %d changed:\n put  %+v\n held %+v", i, es[i], got[i])
		}
	}
	n := 0
	q := hub.Query{Venue: k.Venue, From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Holder: entry.Pseudonym([]byte("s"), "x")}
	if err := st.QueryEntries(ctx, q, func(entry.Entry) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("a holder's query returned %d entries (%v), want none", n, err)
	}
}
