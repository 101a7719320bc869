package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/passgate/passgate/hub"
)

// report is a status of a kiosk of venue-1 with every field set, the i-th
// of a series: sent at t0 + i minutes by the kiosk's clock (3 s behind the
// hub's), in Seoul's zone, to the microsecond.
func report(kiosk string, i int) hub.KioskStatus {
	at := t0.Add(time.Duration(i)*time.Minute + 123456*time.Microsecond)
	return hub.KioskStatus{
		Kiosk: kiosk, Venue: "venue-1", Seen: at,
		BundleSequence: uint64(40 + i), Waiting: 5 + i, OldestWaiting: at.Add(-time.Duration(i+1) * time.Minute),
		Clock: at.Add(-3 * time.Second), Version: fmt.Sprintf("v1.%d.0", i), Camera: "streaming",
		LastError: fmt.Sprintf("push: hub answered HTTP 503: 대기 %d", i),
	}
}

// stored is st as the store must give it back: times in UTC.
func stored(st hub.KioskStatus) hub.KioskStatus {
	st.Seen, st.Clock = st.Seen.UTC(), st.Clock.UTC()
	if !st.OldestWaiting.IsZero() {
		st.OldestWaiting = st.OldestWaiting.UTC()
	}
	return st
}

// putStatus puts st and fails the test on an error.
func putStatus(t *testing.T, st hub.Store, s hub.KioskStatus) {
	t.Helper()
	if err := st.PutStatus(ctx, s); err != nil {
		t.Fatalf("PutStatus of %s: %v", s.Kiosk, err)
	}
}

// statuses returns Statuses, failing the test on an error or a time not
// in UTC.
func statuses(t *testing.T, st hub.Store) []hub.KioskStatus {
	t.Helper()
	out, err := st.Statuses(ctx)
	if err != nil {
		t.Fatalf("Statuses: %v", err)
	}
	for _, s := range out {
		utc(t, s.Kiosk+" seen", s.Seen)
		utc(t, s.Kiosk+" clock", s.Clock)
		utc(t, s.Kiosk+" oldest waiting", s.OldestWaiting)
	}
	return out
}

// wantStatuses fails the test unless Statuses gives want, times in UTC.
func wantStatuses(t *testing.T, st hub.Store, what string, want ...hub.KioskStatus) {
	t.Helper()
	for i := range want {
		want[i] = stored(want[i])
	}
	if diff := cmp.Diff(want, statuses(t, st), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Statuses %s (-want +got):\n%s", what, diff)
	}
}

var statusTests = []test{
	{"Empty", func(t *testing.T, st hub.Store, _ *clock) {
		if got := statuses(t, st); len(got) != 0 {
			t.Errorf("a new store lists statuses %v", got)
		}
	}},
	// A status is kept as given, every field, its times in UTC; the Seen
	// the caller gives is the one kept.
	{"Put", func(t *testing.T, st hub.Store, _ *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		s := report("kiosk-1", 1)
		putStatus(t, st, s)
		wantStatuses(t, st, "after one", s)
	}},
	// A second status of a kiosk replaces the first, fields left empty
	// included: a status is a snapshot, not a history or a merge.
	{"Replace", func(t *testing.T, st hub.Store, _ *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		putStatus(t, st, report("kiosk-1", 1))
		s := report("kiosk-1", 2)
		s.Waiting, s.OldestWaiting, s.LastError, s.BundleSequence, s.Camera = 0, time.Time{}, "", 0, "none"
		putStatus(t, st, s)
		wantStatuses(t, st, "after a second", s)
		last := report("kiosk-1", 3)
		putStatus(t, st, last)
		wantStatuses(t, st, "after a third", last)
	}},
	// Each kiosk has its own status, listed by kiosk id (as bytes).
	{"PerKiosk", func(t *testing.T, st hub.Store, _ *clock) {
		ids := []string{"kiosk-2", "Kiosk-0", "kiosk-10", "kiosk-1", "키오스크-1"}
		for _, id := range ids {
			addKiosk(t, st, "venue-1", id)
		}
		for i, id := range ids {
			putStatus(t, st, report(id, i))
		}
		putStatus(t, st, report("kiosk-2", 9))
		wantStatuses(t, st, "of five kiosks", report("Kiosk-0", 1), report("kiosk-1", 3), report("kiosk-10", 2),
			report("kiosk-2", 9), report("키오스크-1", 4))
	}},
	// A status without Seen is seen at the store's clock, in UTC.
	{"Seen", func(t *testing.T, st hub.Store, clock *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		s := report("kiosk-1", 1)
		s.Seen = time.Time{}
		at := clock.advance(90*time.Minute + 7*time.Microsecond)
		putStatus(t, st, s)
		s.Seen = at
		wantStatuses(t, st, "put without Seen", s)
	}},
	// Kiosks reporting at once each end with their own last status.
	{"Concurrent", func(t *testing.T, st hub.Store, _ *clock) {
		const kiosks, reports = 16, 6
		var want []hub.KioskStatus
		for k := range kiosks {
			id := fmt.Sprintf("kiosk-%02d", k)
			addKiosk(t, st, "venue-1", id)
			want = append(want, report(id, reports-1))
		}
		var wg sync.WaitGroup
		errs := make(chan error, kiosks*reports)
		for k := range kiosks {
			wg.Go(func() {
				for i := range reports {
					errs <- st.PutStatus(ctx, report(fmt.Sprintf("kiosk-%02d", k), i))
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("PutStatus: %v", err)
			}
		}
		wantStatuses(t, st, "after concurrent reports", want...)
	}},
	// A revoked kiosk's last status stays listed, as it was: when it was
	// last heard from is what the operator asks. (The hub refuses its
	// token, so it cannot report again.) Added again, it keeps it until
	// it reports.
	{"Revoked", func(t *testing.T, st hub.Store, _ *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		addKiosk(t, st, "venue-1", "kiosk-2")
		putStatus(t, st, report("kiosk-1", 1))
		putStatus(t, st, report("kiosk-2", 2))
		if err := st.RevokeKiosk(ctx, "kiosk-1"); err != nil {
			t.Fatal(err)
		}
		wantStatuses(t, st, "after revoking kiosk-1", report("kiosk-1", 1), report("kiosk-2", 2))
		addKiosk(t, st, "venue-1", "kiosk-1")
		wantStatuses(t, st, "after adding kiosk-1 again", report("kiosk-1", 1), report("kiosk-2", 2))
	}},
	// A status of a kiosk the store does not know is ErrNotFound, and
	// not kept.
	{"UnknownKiosk", func(t *testing.T, st hub.Store, _ *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		if err := st.PutStatus(ctx, report("kiosk-9", 1)); !errors.Is(err, hub.ErrNotFound) {
			t.Errorf("PutStatus of no kiosk: %v; want ErrNotFound", err)
		}
		wantStatuses(t, st, "after a status of no kiosk")
	}},
	// A status that fails hub.CheckStatus is ErrInvalid and changes
	// nothing.
	{"Invalid", func(t *testing.T, st hub.Store, _ *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		good := report("kiosk-1", 1)
		putStatus(t, st, good)
		for what, change := range map[string]func(*hub.KioskStatus){
			"no kiosk":               func(s *hub.KioskStatus) { s.Kiosk = "" },
			"no venue":               func(s *hub.KioskStatus) { s.Venue = "" },
			"no clock":               func(s *hub.KioskStatus) { s.Clock = time.Time{} },
			"a clock of year 1":      func(s *hub.KioskStatus) { s.Clock = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) },
			"waiting below 0":        func(s *hub.KioskStatus) { s.Waiting = -1 },
			"oldest, none waiting":   func(s *hub.KioskStatus) { s.Waiting = 0 },
			"sequence of 2^63":       func(s *hub.KioskStatus) { s.BundleSequence = math.MaxInt64 + 1 },
			"no version":             func(s *hub.KioskStatus) { s.Version = "" },
			"a version with a space": func(s *hub.KioskStatus) { s.Version = "v1 beta" },
			"a long version":         func(s *hub.KioskStatus) { s.Version = strings.Repeat("v", hub.MaxVersion+1) },
			"no camera":              func(s *hub.KioskStatus) { s.Camera = "" },
			"a camera in capitals":   func(s *hub.KioskStatus) { s.Camera = "OK" },
			"a long error":           func(s *hub.KioskStatus) { s.LastError = strings.Repeat("e", hub.MaxLastError+1) },
			"a line break in error":  func(s *hub.KioskStatus) { s.LastError = "a\nb" },
			"bidi in error":          func(s *hub.KioskStatus) { s.LastError = "a\u202eb" },
			"error not UTF-8":        func(s *hub.KioskStatus) { s.LastError = "a\xffb" },
		} {
			s := report("kiosk-1", 2)
			change(&s)
			if err := st.PutStatus(ctx, s); !errors.Is(err, hub.ErrInvalid) {
				t.Errorf("PutStatus with %s: %v; want ErrInvalid", what, err)
			}
		}
		wantStatuses(t, st, "after invalid ones", good)
		edge := report("kiosk-1", 3)
		edge.Version, edge.LastError = strings.Repeat("v", hub.MaxVersion), strings.Repeat("오", hub.MaxLastError/3)
		edge.BundleSequence = math.MaxInt64
		putStatus(t, st, edge)
		wantStatuses(t, st, "at the limits", edge)
	}},
	{"Canceled", func(t *testing.T, st hub.Store, _ *clock) {
		addKiosk(t, st, "venue-1", "kiosk-1")
		c, cancel := context.WithCancel(ctx)
		cancel()
		if err := st.PutStatus(c, report("kiosk-1", 1)); err == nil {
			t.Error("PutStatus with a canceled context succeeded")
		}
		wantStatuses(t, st, "after a canceled put")
	}},
}
