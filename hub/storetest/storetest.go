// Package storetest is the contract of hub.Store as one test suite: every
// behaviour the hub relies on its store for (idempotent ingest, another
// kiosk's ids refused, tokens, revocation, the published bundle and
// Publish's refusals, export order, purge, closing), checked by the same
// code on every implementation. hub's tests run it on the bbolt store,
// hub/pgstore's on PostgreSQL.
//
// The suite sees a store only through hub.Store and hub.Publish, so each
// store checks for itself what it cannot see: that only a token's SHA-256
// is kept, what survives a restart, files, locks. Only tests import it.
package storetest

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// Run runs the suite on the stores open makes: a group of subtests per
// part of hub.Store, each subtest on a store of its own, in parallel.
// open returns a new, empty store whose clock is now, and closes it at the
// end of t (t.Cleanup); the store must take that second Close, as the
// suite closes one store itself.
func Run(t *testing.T, open func(t *testing.T, now func() time.Time) hub.Store) {
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range g.tests {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					clock := &clock{now: t0}
					c.run(t, open(t, clock.Now), clock)
				})
			}
		})
	}
}

// test is one behaviour, checked on a new store with its clock at t0.
type test struct {
	name string
	run  func(t *testing.T, st hub.Store, clock *clock)
}

var groups = []struct {
	name  string
	tests []test
}{
	{"PutEntries", entryTests},
	{"Export", exportTests},
	{"Purge", purgeTests},
	{"Kiosks", kioskTests},
	{"Bundle", bundleTests},
	{"Publish", publishTests},
	{"Close", closeTests},
	{"Query", queryTests},
	{"Authority", authorityTests},
	{"Users", userTests},
	{"Status", statusTests},
}

var ctx = context.Background()

// t0 is lunchtime on 13 December 2021 in Seoul, when Korea's central
// check-in servers fell over. The stores' clock runs in Seoul's zone, so
// that a store which keeps its times in UTC, as it must, shows it.
var (
	kst = time.FixedZone("KST", 9*3600)
	t0  = time.Date(2021, 12, 13, 12, 0, 0, 0, kst)
)

// clock is a store's clock, moved by the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock on by d and returns the new time.
func (c *clock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// utc fails the test if a time a store returned is not in UTC.
func utc(t *testing.T, what string, tm time.Time) {
	t.Helper()
	if !tm.IsZero() && tm.Location() != time.UTC {
		t.Errorf("%s %s is in %s, want UTC", what, tm, tm.Location())
	}
}

// makeEntries makes n valid entries of a kiosk, the i-th recorded at
// start + i*step (its id made then, its time a few hundred nanoseconds
// later), ids from seed. Between them they fill every field: each method
// and outcome, notes with quotes, control characters and Korean, sealed
// contacts, and fields at their size limits.
func makeEntries(t testing.TB, venue, kiosk string, seed uint64, start time.Time, step time.Duration, n int) []entry.Entry {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), 2}))
	out := make([]entry.Entry, n)
	for i := range out {
		at := start.Add(time.Duration(i) * step)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		holder := make([]byte, 32)
		for j := range holder {
			holder[j] = byte(r.Uint32())
		}
		e := entry.Entry{ID: id, Time: at.Add(time.Duration(r.IntN(1000)) * time.Nanosecond).UTC(), Venue: venue, Kiosk: kiosk,
			Method: entry.Camera, Outcome: entry.Admitted, Format: "eu-dcc", Type: "v", Country: "KR", Holder: hex.EncodeToString(holder)}
		switch i % 5 {
		case 1:
			e.Method, e.Type = entry.ScannerDevice, "t"
		case 2:
			e.Outcome, e.Reason, e.Type = entry.Refused, "expired", "r"
		case 3:
			e.Method, e.Staff, e.Reason = entry.Manual, "staff-7", "paper-certificate"
			e.Format, e.Type, e.Country, e.Holder = "", "", "", ""
			e.Note = fmt.Sprintf("=HYPERLINK(\"http://x\"), 'quoted'\t종이 증명서\r\nline\x00%d\u202e", i)
		case 4:
			e.Contact = make([]byte, 1+r.IntN(200))
			for j := range e.Contact {
				e.Contact[j] = byte(r.Uint32())
			}
		}
		if i%97 == 50 { // as large as an entry may be
			e.Method, e.Staff = entry.Manual, strings.Repeat("s", entry.MaxField)
			e.Reason, e.Format, e.Type = strings.Repeat("r", entry.MaxField), strings.Repeat("f", entry.MaxField), strings.Repeat("t", entry.MaxField)
			e.Country, e.Holder = strings.Repeat("c", entry.MaxField), strings.Repeat("h", entry.MaxField)
			e.Note, e.Contact = strings.Repeat("한", entry.MaxNote/3), make([]byte, entry.MaxContact)
		}
		if err := e.Check(); err != nil {
			t.Fatalf("made an invalid entry: %v", err)
		}
		out[i] = e
	}
	return out
}

// ids lists the entries' ids in order.
func ids(es []entry.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// put stores entries of kiosk k and fails the test on an error.
func put(t *testing.T, st hub.Store, k hub.Kiosk, es []entry.Entry) hub.PutResult {
	t.Helper()
	res, err := st.PutEntries(ctx, k, es)
	if err != nil {
		t.Fatalf("PutEntries of %d entries of %s: %v", len(es), k.ID, err)
	}
	return res
}

// putAll stores entries of kiosk k in batches of entry.MaxBatch, all new.
func putAll(t *testing.T, st hub.Store, k hub.Kiosk, es []entry.Entry) {
	t.Helper()
	for i := 0; i < len(es); i += entry.MaxBatch {
		b := es[i:min(i+entry.MaxBatch, len(es))]
		if res := put(t, st, k, b); res.New != len(b) || len(res.Acked) != len(b) {
			t.Fatalf("PutEntries of %d new entries: %d new, %d acked, rejected %v", len(b), res.New, len(res.Acked), res.Rejected)
		}
	}
}

// export returns what ExportEntries gives from since, failing the test
// if an entry comes twice or out of id order.
func export(t *testing.T, st hub.Store, since time.Time) []entry.Entry {
	t.Helper()
	var out []entry.Entry
	err := st.ExportEntries(ctx, since, func(e entry.Entry) error {
		if n := len(out); n > 0 && e.ID <= out[n-1].ID {
			return fmt.Errorf("exported %s after %s: not in id order, or twice", e.ID, out[n-1].ID)
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		t.Fatalf("ExportEntries since %s: %v", since, err)
	}
	return out
}

// signer signs the suite's bundles; pinned is its public key, as the
// kiosks pin it.
var (
	signer = ed25519.NewKeyFromSeed([]byte("storetest bundle key, 32 bytes.."))
	pinned = signer.Public().(ed25519.PublicKey)
)

// signBundle makes a bundle of sequence seq signed by key, valid from an
// hour before t0 to validity after it, with one revocation segment of n
// hashes.
func signBundle(t testing.TB, key ed25519.PrivateKey, seq uint64, validity time.Duration, n int) []byte {
	t.Helper()
	auth, err := ecdh.X25519().GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seq, 3))
	hashes := make([][16]byte, n)
	for i := range hashes {
		for j := range 16 {
			hashes[i][j] = byte(r.Uint32())
		}
	}
	data, err := bundle.Sign(&bundle.Spec{
		Sequence:    seq,
		IssuedAt:    t0.Add(-time.Hour),
		ValidUntil:  t0.Add(validity),
		Policy:      presets.Must(presets.Default),
		Authority:   auth.PublicKey(),
		Revocations: []bundle.RevocationSegment{{Type: verify.HashUCI, Hashes: hashes}},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
