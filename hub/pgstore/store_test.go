package pgstore_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

func TestKiosks(t *testing.T) {
	url := pgtest.Database(t)
	st := mustOpen(t, url)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 || strings.ContainsAny(token, "+/=") {
		t.Errorf("token %q: want 43 characters of base64url", token)
	}
	if _, err := st.AddKiosk(ctx, "venue-2", "kiosk-1"); !errors.Is(err, hub.ErrExists) || !strings.Contains(err.Error(), "(venue venue-1) is active") {
		t.Errorf("kiosk-1 added twice: %v", err)
	}
	for _, bad := range [][2]string{{"", "k"}, {"v", ""}, {"v", "a b"}, {"v\n", "k"}, {"v\x00", "k"}, {"v\xff", "k"}, {strings.Repeat("v", 200), "k"}} {
		if _, err := st.AddKiosk(ctx, bad[0], bad[1]); !errors.Is(err, hub.ErrInvalid) {
			t.Errorf("AddKiosk(%q, %q): %v", bad[0], bad[1], err)
		}
	}
	// Ids sort as bytes, whatever the database's collation.
	for _, k := range []string{"kiosk-2", "Kiosk-0", "kiosk-10"} {
		if _, err := st.AddKiosk(ctx, "venue-1", k); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RevokeKiosk(ctx, "kiosk-2"); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeKiosk(ctx, "kiosk-2"); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := st.RevokeKiosk(ctx, "kiosk-3"); !errors.Is(err, hub.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	ks, err := st.Kiosks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []hub.Kiosk{
		{ID: "Kiosk-0", Venue: "venue-1", Added: t0},
		{ID: "kiosk-1", Venue: "venue-1", Added: t0},
		{ID: "kiosk-10", Venue: "venue-1", Added: t0},
		{ID: "kiosk-2", Venue: "venue-1", Added: t0, Revoked: t0},
	}
	if diff := cmp.Diff(want, ks); diff != "" {
		t.Errorf("Kiosks (-want +got):\n%s", diff)
	}
	if ks[0].Added.Location() != time.UTC {
		t.Errorf("Added in %s, want UTC", ks[0].Added.Location())
	}
	k, err := st.Authenticate(ctx, token)
	if err != nil || k.ID != "kiosk-1" || k.Venue != "venue-1" {
		t.Errorf("Authenticate = %+v, %v", k, err)
	}
	if _, err := st.Authenticate(ctx, token[:42]+"x"); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("Authenticate of a wrong token: %v", err)
	}
	// Re-adding a revoked kiosk gives a new token, of the new venue; the
	// old token stays dead.
	later := time.Date(2021, 12, 14, 0, 0, 0, 0, time.UTC)
	st2 := mustOpenWith(t, url, &pgstore.Options{Now: func() time.Time { return later }})
	old, _ := st.AddKiosk(ctx, "venue-1", "kiosk-9")
	if err := st2.RevokeKiosk(ctx, "kiosk-9"); err != nil {
		t.Fatal(err)
	}
	fresh, err := st2.AddKiosk(ctx, "venue-7", "kiosk-9")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(ctx, old); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("the old token after re-adding: %v", err)
	}
	if k, err := st.Authenticate(ctx, fresh); err != nil || k != (hub.Kiosk{ID: "kiosk-9", Venue: "venue-7", Added: later}) {
		t.Errorf("the new token: %+v, %v", k, err)
	}
	// Only a hash of the token is in the database.
	var n int
	if err := conn(t, url).QueryRow(ctx, `SELECT count(*) FROM kiosks WHERE position($1::bytea in token_sha256) > 0 OR id = $2`, []byte(token), token).Scan(&n); err != nil || n != 0 {
		t.Errorf("the token is in the database: %d, %v", n, err)
	}
}

// TestEntries: what is stored is what was sent, to the nanosecond; a
// resend is acknowledged and stored once; an id in lower case is the same
// id; an entry PostgreSQL cannot hold is rejected alone.
func TestEntries(t *testing.T) {
	st := mustOpen(t, pgtest.Database(t))
	k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, t0.Add(123456789), time.Second+7, 1000)
	es[1].Method, es[1].Staff, es[1].Note, es[1].Reason = entry.Manual, "staff-7", "종이 증명서 \"=1+1\"\x00\xff", "paper-certificate"
	es[2].Contact = []byte{0, 1, 2, 255}
	es[3].Outcome, es[3].Reason = entry.Refused, "revoked"
	res, err := st.PutEntries(ctx, k, es)
	if err != nil || res.New != 1000 || !slices.Equal(res.Acked, ids(es)) || len(res.Rejected) != 0 {
		t.Fatalf("PutEntries: %d new, %d acked, %v, %v", res.New, len(res.Acked), res.Rejected, err)
	}
	if diff := cmp.Diff(es, exported(t, st)); diff != "" {
		t.Fatalf("exported (-sent +got):\n%s", diff)
	}
	// The kiosk did not hear the ack and sends again; and some of it with
	// one entry twice and ids in lower case.
	res, err = st.PutEntries(ctx, k, es)
	if err != nil || res.New != 0 || !slices.Equal(res.Acked, ids(es)) {
		t.Fatalf("resend: %d new, %d acked, %v", res.New, len(res.Acked), err)
	}
	more := makeEntries(t, "venue-1", "kiosk-1", 2, t0.Add(time.Hour), time.Second, 3)
	lower := es[10]
	lower.ID = strings.ToLower(lower.ID)
	mixed := []entry.Entry{more[0], lower, more[1], more[0], more[2]}
	res, err = st.PutEntries(ctx, k, mixed)
	if err != nil || res.New != 3 || !slices.Equal(res.Acked, ids(mixed)) {
		t.Fatalf("mixed: %d new, acked %v, %v", res.New, res.Acked, err)
	}
	got := exported(t, st)
	if len(got) != 1003 {
		t.Fatalf("%d stored, want 1003", len(got))
	}
	for _, e := range got {
		if e.ID != strings.ToUpper(e.ID) {
			t.Fatalf("id %s not stored in upper case", e.ID)
		}
	}
	// Another kiosk's entry with a held id, even in lower case: rejected.
	steal := es[0]
	steal.ID, steal.Venue, steal.Kiosk = strings.ToLower(steal.ID), "venue-2", "kiosk-2"
	own := makeEntries(t, "venue-2", "kiosk-2", 3, t0, time.Second, 1)[0]
	res, err = st.PutEntries(ctx, hub.Kiosk{ID: "kiosk-2", Venue: "venue-2"}, []entry.Entry{steal, own})
	if err != nil || res.New != 1 || !slices.Equal(res.Acked, []string{own.ID}) || len(res.Rejected) != 1 ||
		res.Rejected[0].ID != steal.ID || !strings.Contains(res.Rejected[0].Error, "another kiosk's entry") {
		t.Fatalf("another kiosk's id: %+v, %v", res, err)
	}
	// What text cannot hold is rejected, the rest stored.
	bad := makeEntries(t, "venue-1", "kiosk-1", 4, t0.Add(2*time.Hour), time.Second, 4)
	bad[0].Staff = "a\x00b"
	bad[1].Reason = "\xff"
	far := bad[2]
	far.ID = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ" // the last ULID, made in the year 10889
	bad[2] = far
	res, err = st.PutEntries(ctx, k, bad)
	if err != nil || res.New != 1 || !slices.Equal(res.Acked, []string{bad[3].ID}) || len(res.Rejected) != 3 {
		t.Fatalf("unstorable entries: %+v, %v", res, err)
	}
	for _, r := range res.Rejected {
		if !strings.Contains(r.Error, "invalid entry") {
			t.Errorf("reject %+v", r)
		}
	}
	if res, err := st.PutEntries(ctx, k, nil); err != nil || res.Acked == nil || res.New != 0 {
		t.Errorf("empty batch: %+v, %v", res, err)
	}
}

// TestExport: in id order across days, from a time on, in chunks.
func TestExport(t *testing.T) {
	st := mustOpen(t, pgtest.Database(t))
	// 25,000 entries 10 s apart: three days, more than two chunks; two
	// kiosks, their ids interleaved.
	var all []entry.Entry
	for i, kiosk := range []string{"kiosk-1", "kiosk-2"} {
		es := makeEntries(t, "venue-1", kiosk, uint64(i), t0.Add(time.Duration(i)*time.Second), 20*time.Second, 12_500)
		for j := 0; j < len(es); j += entry.MaxBatch {
			if res, err := st.PutEntries(ctx, hub.Kiosk{ID: kiosk, Venue: "venue-1"}, es[j:min(j+entry.MaxBatch, len(es))]); err != nil || len(res.Rejected) != 0 {
				t.Fatalf("PutEntries: %+v, %v", res.Rejected, err)
			}
		}
		all = append(all, es...)
	}
	slices.SortFunc(all, func(a, b entry.Entry) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(ids(all), ids(exported(t, st))); diff != "" {
		t.Fatalf("export order (-want +got):\n%s", diff)
	}
	since := all[20_000].Time
	var got []string
	if err := st.ExportEntries(ctx, since, func(e entry.Entry) error { got = append(got, e.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(all[20_000:]), got); diff != "" {
		t.Errorf("export since (-want +got):\n%s", diff)
	}
	stop := errors.New("enough")
	n := 0
	if err := st.ExportEntries(ctx, time.Time{}, func(entry.Entry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("export stopped by fn: %d, %v", n, err)
	}
	n = 0
	if err := st.ExportEntries(ctx, time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC), func(entry.Entry) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("export since 9000: %d, %v", n, err)
	}
}
