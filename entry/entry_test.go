package entry_test

import (
	"bytes"
	"crypto/ecdh"
	crand "crypto/rand"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
)

func TestIDsOrdered(t *testing.T) {
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{1}))
	t0 := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	prev := ""
	for i := range 1000 {
		id, err := ids.New(t0.Add(time.Duration(i/10) * time.Millisecond)) // ten a millisecond
		if err != nil {
			t.Fatal(err)
		}
		if id <= prev {
			t.Fatalf("id %d %s not after %s", i, id, prev)
		}
		prev = id
	}
	at, err := entry.IDTime(prev)
	if err != nil || !at.Equal(t0.Add(99*time.Millisecond)) {
		t.Fatalf("IDTime = %v, %v", at, err)
	}
}

func TestCheck(t *testing.T) {
	id, _ := entry.NewIDs(rand.NewChaCha8([32]byte{2})).New(time.Now())
	good := entry.Entry{ID: id, Time: time.Now().UTC(), Venue: "v1", Kiosk: "k1", Method: entry.Camera, Outcome: entry.Admitted}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*entry.Entry){
		"id":      func(e *entry.Entry) { e.ID = "nope" },
		"lower":   func(e *entry.Entry) { e.ID = strings.ToLower(e.ID) },
		"mixed":   func(e *entry.Entry) { e.ID = e.ID[:20] + strings.ToLower(e.ID[20:]) },
		"time":    func(e *entry.Entry) { e.Time = time.Time{} },
		"venue":   func(e *entry.Entry) { e.Venue = "" },
		"method":  func(e *entry.Entry) { e.Method = "telepathy" },
		"outcome": func(e *entry.Entry) { e.Outcome = "maybe" },
		"manual":  func(e *entry.Entry) { e.Method = entry.Manual },
		"long":    func(e *entry.Entry) { e.Country = strings.Repeat("x", 200) },
		"note":    func(e *entry.Entry) { e.Note = strings.Repeat("x", 600) },
	} {
		e := good
		mod(&e)
		if err := e.Check(); !errors.Is(err, entry.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSealOpen(t *testing.T) {
	priv, err := ecdh.X25519().GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := entry.Contact{Name: "홍 길동", DateOfBirth: "1990-03-01", UVCI: "URN:UVCI:01:KR:X"}
	sealed, err := entry.Seal(crand.Reader, priv.PublicKey(), c)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("1990")) {
		t.Fatal("sealed box shows the date of birth")
	}
	got, err := entry.Open(sealed, priv)
	if err != nil || got != c {
		t.Fatalf("Open = %+v, %v", got, err)
	}
	other, _ := ecdh.X25519().GenerateKey(crand.Reader)
	if _, err := entry.Open(sealed, other); !errors.Is(err, entry.ErrSeal) {
		t.Errorf("opened with another key: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := entry.Open(sealed, priv); !errors.Is(err, entry.ErrSeal) {
		t.Errorf("opened a damaged box: %v", err)
	}
}

func TestPseudonym(t *testing.T) {
	a := entry.Pseudonym([]byte("venue-a"), "URN:UVCI:1")
	if a != entry.Pseudonym([]byte("venue-a"), "URN:UVCI:1") || a == entry.Pseudonym([]byte("venue-b"), "URN:UVCI:1") || len(a) != 64 {
		t.Fatalf("pseudonym %s", a)
	}
}

// TestSame: a resent entry is the same when every field is, times as
// instants; any one field changed makes it another.
func TestSame(t *testing.T) {
	id, _ := entry.NewIDs(rand.NewChaCha8([32]byte{3})).New(time.Now())
	a := entry.Entry{ID: id, Time: time.Date(2021, 12, 13, 3, 0, 0, 123456789, time.UTC), Venue: "v1", Kiosk: "k1",
		Method: entry.Manual, Outcome: entry.Refused, Reason: "other", Staff: "s1", Note: "note"}
	b := a
	b.Time = a.Time.In(time.FixedZone("KST", 9*3600))
	b.Contact = []byte{}
	if !entry.Same(&a, &b) {
		t.Error("the same entry, its time in KST and an empty contact: not the same")
	}
	for name, mod := range map[string]func(*entry.Entry){
		"id":      func(e *entry.Entry) { e.ID = e.ID[:25] + "Z" },
		"time":    func(e *entry.Entry) { e.Time = e.Time.Add(time.Nanosecond) },
		"venue":   func(e *entry.Entry) { e.Venue = "v2" },
		"kiosk":   func(e *entry.Entry) { e.Kiosk = "k2" },
		"method":  func(e *entry.Entry) { e.Method = entry.Camera },
		"outcome": func(e *entry.Entry) { e.Outcome = entry.Admitted },
		"reason":  func(e *entry.Entry) { e.Reason = "outage" },
		"format":  func(e *entry.Entry) { e.Format = "eu-dcc" },
		"type":    func(e *entry.Entry) { e.Type = "v" },
		"country": func(e *entry.Entry) { e.Country = "KR" },
		"holder":  func(e *entry.Entry) { e.Holder = "ab" },
		"staff":   func(e *entry.Entry) { e.Staff = "s2" },
		"note":    func(e *entry.Entry) { e.Note = "note." },
		"contact": func(e *entry.Entry) { e.Contact = []byte{1} },
	} {
		c := a
		mod(&c)
		if entry.Same(&a, &c) || entry.Same(&c, &a) {
			t.Errorf("%s changed: still the same", name)
		}
	}
}

// An audit event is an entry of its own kind: method audit, outcome
// event, an event code, no guest in it.
func TestCheckAudit(t *testing.T) {
	id, _ := entry.NewIDs(rand.NewChaCha8([32]byte{3})).New(time.Now())
	good := entry.Entry{ID: id, Time: time.Now().UTC(), Venue: "v1", Kiosk: "k1", Method: entry.Audit,
		Outcome: entry.Event, Reason: "pin-failed", Staff: "s1"}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	noStaff := good
	noStaff.Staff, noStaff.Reason, noStaff.Note = "", "quit", "no PINs configured"
	if err := noStaff.Check(); err != nil {
		t.Errorf("an audit event without staff (quitting without PINs): %v", err)
	}
	for name, c := range map[string]struct {
		mod  func(*entry.Entry)
		want string
	}{
		"admitted": {func(e *entry.Entry) { e.Outcome = entry.Admitted }, `outcome "admitted"`},
		"refused":  {func(e *entry.Entry) { e.Outcome = entry.Refused }, `outcome "refused"`},
		"guest":    {func(e *entry.Entry) { e.Method = entry.Camera }, "only audit events"},
		"manual":   {func(e *entry.Entry) { e.Method = entry.Manual }, "only audit events"},
		"code":     {func(e *entry.Entry) { e.Reason = "" }, "without an event code"},
		"holder":   {func(e *entry.Entry) { e.Holder = "ab12" }, "holder or contact"},
		"contact":  {func(e *entry.Entry) { e.Contact = []byte{1} }, "holder or contact"},
		"country":  {func(e *entry.Entry) { e.Country = "DE" }, "format, type or country"},
		"format":   {func(e *entry.Entry) { e.Format = "eu-dcc" }, "format, type or country"},
		"long":     {func(e *entry.Entry) { e.Reason = strings.Repeat("x", 200) }, "longer than"},
	} {
		e := good
		c.mod(&e)
		err := e.Check()
		if !errors.Is(err, entry.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrInvalid saying %q", name, err, c.want)
		}
	}
}
