package storetest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/hub"
)

// current fails the test unless the published bundle is data, of
// sequence seq, published at when.
func current(t *testing.T, st hub.Store, data []byte, seq uint64, when time.Time) {
	t.Helper()
	b, err := st.CurrentBundle(ctx)
	if err != nil {
		t.Fatalf("CurrentBundle: %v", err)
	}
	if !bytes.Equal(b.Data, data) || b.Sequence != seq {
		t.Errorf("CurrentBundle: sequence %d, %d bytes; want sequence %d, %d bytes", b.Sequence, len(b.Data), seq, len(data))
	}
	if b.SHA256 != sha256.Sum256(data) {
		t.Errorf("CurrentBundle: SHA256 %x is not the data's", b.SHA256)
	}
	if !b.Published.Equal(when) {
		t.Errorf("CurrentBundle: published %s, want %s", b.Published, when)
	}
	utc(t, "bundle published", b.Published)
}

// noise is n bytes that are not a bundle: PutBundle checks nothing.
func noise(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// The suite leaves open what PutBundle does with a sequence not above the
// current one's: Publish never asks for it, and the bbolt store (the last
// put is current) and a store shared by replicas (the highest sequence
// is) may differ.
var bundleTests = []test{
	{"None", func(t *testing.T, st hub.Store, _ *clock) {
		if b, err := st.CurrentBundle(ctx); !errors.Is(err, hub.ErrNotFound) || b != nil {
			t.Errorf("CurrentBundle before any: %v, %v; want ErrNotFound", b, err)
		}
	}},
	// The bundle put is current, as given, with its hash and the time; the
	// store keeps its own copy.
	{"Put", func(t *testing.T, st hub.Store, clock *clock) {
		data := noise(1, 64<<10)
		at := clock.advance(time.Minute)
		if err := st.PutBundle(ctx, data, 3); err != nil {
			t.Fatalf("PutBundle: %v", err)
		}
		sent := bytes.Clone(data)
		data[0] ^= 0xff // the caller's buffer, reused
		clock.advance(time.Minute)
		current(t, st, sent, 3, at)
	}},
	// Each bundle put with a higher sequence replaces the last, up to a
	// large one.
	{"Latest", func(t *testing.T, st hub.Store, clock *clock) {
		for _, c := range []struct {
			seq  uint64
			size int
		}{{1, 1000}, {2, 70_000}, {3, 10}, {10, 4 << 20}} {
			data := noise(c.seq, c.size)
			at := clock.advance(time.Hour)
			if err := st.PutBundle(ctx, data, c.seq); err != nil {
				t.Fatalf("PutBundle %d: %v", c.seq, err)
			}
			current(t, st, data, c.seq, at)
		}
	}},
}

var publishTests = []test{
	// The first bundle is published on an empty store.
	{"First", func(t *testing.T, st hub.Store, clock *clock) {
		five := signBundle(t, signer, 5, 72*time.Hour, 100)
		at := clock.advance(time.Minute)
		info, err := hub.Publish(ctx, st, five, pinned, t0)
		if err != nil || info.Sequence != 5 {
			t.Fatalf("Publish: %v", err)
		}
		current(t, st, five, 5, at)
	}},
	// A bundle above the published one's sequence replaces it; one below,
	// after that, is refused.
	{"Higher", func(t *testing.T, st hub.Store, clock *clock) {
		five, seven, six := signBundle(t, signer, 5, 72*time.Hour, 10), signBundle(t, signer, 7, 72*time.Hour, 20), signBundle(t, signer, 6, 72*time.Hour, 30)
		if _, err := hub.Publish(ctx, st, five, pinned, t0); err != nil {
			t.Fatal(err)
		}
		at := clock.advance(time.Hour)
		if info, err := hub.Publish(ctx, st, seven, pinned, t0); err != nil || info.Sequence != 7 {
			t.Fatalf("Publish 7 over 5: %v", err)
		}
		clock.advance(time.Hour)
		if _, err := hub.Publish(ctx, st, six, pinned, t0); !errors.Is(err, bundle.ErrRollback) {
			t.Errorf("Publish 6 over 7: %v; want ErrRollback", err)
		}
		current(t, st, seven, 7, at)
	}},
	// An expired bundle is still published (kiosks use it, their trust shown
	// as stale); the info says it has expired.
	{"Expired", func(t *testing.T, st hub.Store, _ *clock) {
		old := signBundle(t, signer, 2, -time.Minute, 10)
		info, err := hub.Publish(ctx, st, old, pinned, t0)
		if err != nil || !info.ValidUntil.Before(t0) {
			t.Fatalf("Publish of an expired bundle: %v", err)
		}
		current(t, st, old, 2, t0)
	}},
	// What kiosks would refuse is refused, and the published bundle stays.
	{"Refused", func(t *testing.T, st hub.Store, _ *clock) {
		five := signBundle(t, signer, 5, 72*time.Hour, 100)
		if _, err := hub.Publish(ctx, st, five, pinned, t0); err != nil {
			t.Fatal(err)
		}
		stranger := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
		seven := signBundle(t, signer, 7, 72*time.Hour, 10)
		flipped := bytes.Clone(seven)
		flipped[10+int(binary.BigEndian.Uint32(flipped[6:10]))] ^= 1 // the signature's first byte
		damaged := bytes.Clone(seven)
		damaged[len(damaged)-1] ^= 1 // in the revocation segment
		for _, c := range []struct {
			name   string
			data   []byte
			pinned ed25519.PublicKey
			want   error
		}{
			{"another signing key", signBundle(t, stranger, 9, 72*time.Hour, 10), pinned, bundle.ErrSignature},
			{"another pinned key", seven, stranger.Public().(ed25519.PublicKey), bundle.ErrSignature},
			{"bad signature", flipped, pinned, bundle.ErrSignature},
			{"lower sequence", signBundle(t, signer, 4, 72*time.Hour, 10), pinned, bundle.ErrRollback},
			{"equal sequence", signBundle(t, signer, 5, 72*time.Hour, 10), pinned, bundle.ErrRollback},
			{"truncated", seven[:len(seven)-20], pinned, bundle.ErrTruncated},
			{"cut in the header", seven[:8], pinned, bundle.ErrTruncated},
			{"empty", nil, pinned, bundle.ErrTruncated},
			{"damaged segment", damaged, pinned, bundle.ErrCorrupt},
			{"not a bundle", []byte("PK\x03\x04 a zip file"), pinned, bundle.ErrCorrupt},
		} {
			t.Run(c.name, func(t *testing.T) {
				if _, err := hub.Publish(ctx, st, c.data, c.pinned, t0); !errors.Is(err, c.want) {
					t.Errorf("Publish = %v, want %v", err, c.want)
				}
				current(t, st, five, 5, t0)
			})
		}
		if _, err := hub.Publish(ctx, st, seven, pinned, t0); err != nil {
			t.Errorf("Publish 7 after the refusals: %v", err)
		}
	}},
}
