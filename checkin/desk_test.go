package checkin_test

import (
	"crypto/ecdh"
	"crypto/x509"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/fixtures"
	"github.com/passgate/passgate/store"
)

var noon = fixtures.Noon

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newDesk(t *testing.T, b *bundle.Bundle, reg checkin.Recorder, c *clock) *checkin.Desk {
	t.Helper()
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b },
		Register: reg, Secret: []byte("0123456789abcdef0123"), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func openStore(t *testing.T, c *clock) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{Path: filepath.Join(t.TempDir(), "register.db"), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestScan(t *testing.T) {
	c := &clock{noon}
	db := openStore(t, c)
	d := newDesk(t, fixtureBundle(t), db, c)

	first := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if !first.Admitted || !first.Recorded || first.Duplicate || first.Stale || first.Verdict.Pass == nil {
		t.Fatalf("valid pass: %+v", first)
	}
	e := first.Entry
	if e.ID == "" || e.Outcome != entry.Admitted || e.Type != "v" || e.Country != "KR" || len(e.Holder) != 64 || e.Method != entry.Camera || e.Contact != nil {
		t.Fatalf("entry %+v", e)
	}
	if strings.Contains(e.Holder, "URN") {
		t.Fatal("holder pseudonym shows the UVCI")
	}

	out := d.Scan(checkin.Scan{Payload: " " + pass(t, "revoked-uci") + "\n", Method: entry.ScannerDevice})
	if out.Admitted || out.Reason != "revoked" || !out.Recorded || out.Entry.Outcome != entry.Refused || out.Entry.Reason != "revoked" {
		t.Fatalf("revoked: %+v", out)
	}

	// Shown again a minute later: the same guest, not recorded twice.
	c.t = noon.Add(time.Minute)
	again := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if !again.Duplicate || !again.Admitted || again.Entry.ID != first.Entry.ID {
		t.Fatalf("duplicate: %+v", again)
	}
	// Much later: a new visit.
	c.t = noon.Add(time.Hour)
	later := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if later.Duplicate || !later.Recorded {
		t.Fatalf("an hour later: %+v", later)
	}
	st, _ := db.Stats()
	if st.Total != 3 || st.Pending != 3 || st.All.Outcome[entry.Admitted] != 2 || st.All.Outcome[entry.Refused] != 1 {
		t.Fatalf("register %+v", st)
	}
	if n := d.Counts(); n.Admitted != 2 || n.Refused != 1 || n.Manual != 0 {
		t.Fatalf("counts %+v", n)
	}
}

func TestNoTrustAndStale(t *testing.T) {
	c := &clock{noon}
	d := newDesk(t, nil, nil, c)
	out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if out.Admitted || out.Reason != checkin.ReasonNoTrust || out.Recorded {
		t.Fatalf("no bundle: %+v", out)
	}
	c.t = noon.AddDate(0, 0, 10) // past the bundle's valid-until
	d = newDesk(t, fixtureBundle(t), nil, c)
	out = d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if !out.Stale {
		t.Fatalf("stale bundle not flagged: %+v", out)
	}
}

type failing struct{ err error }

func (f failing) Record(entry.Entry) error { return f.err }

// TestRecordFails: a full disk does not stop the verdict; the outcome says
// it was not recorded.
func TestRecordFails(t *testing.T) {
	c := &clock{noon}
	d := newDesk(t, fixtureBundle(t), failing{store.ErrDiskFull}, c)
	out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if !out.Admitted || out.Recorded || !errors.Is(out.RecordErr, store.ErrDiskFull) {
		t.Fatalf("%+v", out)
	}
}

func TestManual(t *testing.T) {
	c := &clock{noon}
	db := openStore(t, c)
	d := newDesk(t, fixtureBundle(t), db, c)
	for _, m := range []checkin.Manual{
		{Reason: checkin.ReasonPaper},
		{Staff: "kim", Reason: "bribe"},
		{Staff: "kim", Reason: checkin.ReasonOther},
	} {
		if _, err := d.Manual(m); !errors.Is(err, checkin.ErrManual) {
			t.Errorf("%+v: %v", m, err)
		}
	}
	out, err := d.Manual(checkin.Manual{Staff: "kim", Reason: checkin.ReasonPaper})
	if err != nil || !out.Admitted || !out.Recorded || out.Entry.Staff != "kim" || out.Entry.Method != entry.Manual {
		t.Fatalf("%+v %v", out, err)
	}
	out, err = d.Manual(checkin.Manual{Staff: "kim", Reason: checkin.ReasonOther, Note: "ID only", Refused: true})
	if err != nil || out.Admitted || out.Entry.Outcome != entry.Refused {
		t.Fatalf("%+v %v", out, err)
	}
	if n := d.Counts(); n.Manual != 2 {
		t.Fatalf("counts %+v", n)
	}
}

// TestContactTracing: with a policy that asks for it, the holder's
// identity is stored only sealed to the authority, which opens it.
func TestContactTracing(t *testing.T) {
	b := fixtures.TracingBundle(t)
	c := &clock{noon}
	d := newDesk(t, b, openStore(t, c), c)
	out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if len(out.Entry.Contact) == 0 || strings.Contains(string(out.Entry.Contact), "1990") {
		t.Fatalf("contact not sealed: %+v", out.Entry)
	}
	adder, err := pemfile.Read("../testdata/keys/authority.key", "PRIVATE KEY")
	if err != nil {
		t.Fatal(err)
	}
	ak, _ := x509.ParsePKCS8PrivateKey(adder)
	got, err := entry.Open(out.Entry.Contact, ak.(*ecdh.PrivateKey))
	if err != nil || got.DateOfBirth != "1990-03-01" || got.Name != "홍 길동" || !strings.HasPrefix(got.UVCI, "URN:UVCI:") {
		t.Fatalf("opened %+v %v", got, err)
	}
}

func TestIsPayload(t *testing.T) {
	for line, want := range map[string]bool{"HC1:NCF": true, "  HC1:X\r": true, "hc1:x": false, "": false, "m": false} {
		if checkin.IsPayload(line) != want {
			t.Errorf("IsPayload(%q) != %v", line, want)
		}
	}
}

// TestSetPolicy: a preset chosen at run time replaces the bundle's policy
// for the next guests, and nil goes back to the bundle's.
func TestSetPolicy(t *testing.T) {
	c := &clock{noon}
	d := newDesk(t, fixtureBundle(t), nil, c)
	show := func() checkin.Outcome {
		t.Helper()
		c.t = c.t.Add(10 * time.Minute) // past the duplicate window
		return d.Scan(checkin.Scan{Payload: pass(t, "vaccination-too-old"), Method: entry.Camera, At: c.t})
	}
	if out := show(); out.Admitted || d.Policy() != nil {
		t.Fatalf("bundle's policy admitted a vaccination older than 180 days: %+v", out)
	}
	eu, err := presets.Load("eu-3g")
	if err != nil {
		t.Fatal(err)
	}
	d.SetPolicy(eu)
	if p := d.Policy(); p == nil || p.Name != "eu-3g" {
		t.Fatalf("Policy() = %+v", p)
	}
	if out := show(); !out.Admitted {
		t.Fatalf("eu-3g refused: %+v", out)
	}
	d.SetPolicy(nil)
	if out := show(); out.Admitted || d.Policy() != nil {
		t.Fatalf("back to the bundle's policy: %+v", out)
	}
}

func fixtureBundle(t testing.TB) *bundle.Bundle { return fixtures.Bundle(t) }

func pass(t testing.TB, name string) string { return fixtures.Pass(t, name) }
