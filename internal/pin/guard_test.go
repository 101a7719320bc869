package pin_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/pin"
)

// mustHash hashes with a fixed salt: the guard test is about timing.
func mustHash(t *testing.T, p string) string {
	t.Helper()
	h, err := pin.Hash(p, bytes.NewReader(make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestGuardBackoff(t *testing.T) {
	g := pin.NewGuard(map[string]string{"kim": mustHash(t, "1111"), "lee": mustHash(t, "2222")}, pin.Limits{})
	now := time.Date(2021, 12, 13, 9, 0, 0, 0, time.UTC)
	type step struct {
		after     time.Duration // advance the clock first
		id, pin   string
		ok        bool
		retry     time.Duration
		err       error
		narrative string
	}
	for i, s := range []step{
		{0, "kim", "0000", false, 0, nil, "first wrong"},
		{time.Second, "kim", "0001", false, 0, nil, "second wrong"},
		{time.Second, "kim", "0002", false, 30 * time.Second, nil, "third wrong locks 30 s"},
		{10 * time.Second, "kim", "1111", false, 20 * time.Second, pin.ErrLocked, "locked: even the right PIN is not checked"},
		{0, "lee", "2222", true, 0, nil, "another id is not locked"},
		{20 * time.Second, "kim", "0003", false, time.Minute, nil, "next wrong after the wait locks 60 s"},
		{59 * time.Second, "kim", "1111", false, time.Second, pin.ErrLocked, "still locked one second before the end"},
		{time.Second, "kim", "0004", false, 2 * time.Minute, nil, "then 120 s"},
		{2 * time.Minute, "kim", "1111", true, 0, nil, "right PIN after the wait resets"},
		{0, "kim", "0005", false, 0, nil, "counting starts again"},
		{0, "kim", "1111", true, 0, nil, "right"},
	} {
		now = now.Add(s.after)
		ok, retry, err := g.Check(s.id, s.pin, now)
		if ok != s.ok || retry != s.retry || !errors.Is(err, s.err) {
			t.Fatalf("step %d (%s): Check(%s, %s) = %v, %v, %v; want %v, %v, %v",
				i, s.narrative, s.id, s.pin, ok, retry, err, s.ok, s.retry, s.err)
		}
	}
}

func TestGuardGlobalAndCap(t *testing.T) {
	l := pin.Limits{Tries: 3, GlobalTries: 4, Wait: 30 * time.Second, MaxWait: 50 * time.Second}
	g := pin.NewGuard(map[string]string{"a": mustHash(t, "1111"), "b": mustHash(t, "2222"), "c": mustHash(t, "3333")}, l)
	now := time.Date(2021, 12, 13, 9, 0, 0, 0, time.UTC)
	// Two wrong on a, one on b, one unknown id: the fourth wrong in all locks every id.
	for _, id := range []string{"a", "a", "b"} {
		if ok, retry, err := g.Check(id, "9999", now); ok || retry != 0 || err != nil {
			t.Fatalf("Check(%s) = %v, %v, %v", id, ok, retry, err)
		}
	}
	if _, retry, err := g.Check("nobody", "9999", now); !errors.Is(err, pin.ErrUnknownStaff) || retry != 30*time.Second {
		t.Fatalf("unknown id: retry %v, err %v; want 30s, ErrUnknownStaff", retry, err)
	}
	if _, retry, err := g.Check("c", "3333", now.Add(29*time.Second)); !errors.Is(err, pin.ErrLocked) || retry != time.Second {
		t.Fatalf("c during global lock: retry %v, err %v; want 1s, ErrLocked", retry, err)
	}
	// After the global wait, a's third wrong locks a for 30 s and the
	// global count for 60 s, capped at 50 s.
	if _, retry, _ := g.Check("a", "9999", now.Add(30*time.Second)); retry != 50*time.Second {
		t.Fatalf("retry %v, want the 50 s cap", retry)
	}
	if ok, _, err := g.Check("c", "3333", now.Add(80*time.Second)); !ok || err != nil {
		t.Fatalf("c after the wait: %v, %v", ok, err)
	}
}
