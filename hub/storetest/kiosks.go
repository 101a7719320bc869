package storetest

import (
	"encoding/base64"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/hub"
)

// addKiosk adds a kiosk and fails the test on an error.
func addKiosk(t *testing.T, st hub.Store, venue, kiosk string) string {
	t.Helper()
	token, err := st.AddKiosk(ctx, venue, kiosk)
	if err != nil {
		t.Fatalf("AddKiosk(%s, %s): %v", venue, kiosk, err)
	}
	return token
}

func kiosks(t *testing.T, st hub.Store) []hub.Kiosk {
	t.Helper()
	ks, err := st.Kiosks(ctx)
	if err != nil {
		t.Fatalf("Kiosks: %v", err)
	}
	for _, k := range ks {
		utc(t, k.ID+" added", k.Added)
		utc(t, k.ID+" revoked", k.Revoked)
	}
	return ks
}

// authenticates fails the test unless token is want's.
func authenticates(t *testing.T, st hub.Store, token string, want hub.Kiosk) {
	t.Helper()
	k, err := st.Authenticate(ctx, token)
	if err != nil {
		t.Errorf("Authenticate(%s's token): %v", want.ID, err)
		return
	}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("Authenticate(%s's token) (-want +got):\n%s", want.ID, diff)
	}
	utc(t, k.ID+" added", k.Added)
}

// refused fails the test unless token is ErrUnauthorized.
func refused(t *testing.T, st hub.Store, what, token string) {
	t.Helper()
	if k, err := st.Authenticate(ctx, token); !errors.Is(err, hub.ErrUnauthorized) || k != (hub.Kiosk{}) {
		t.Errorf("Authenticate(%s) = %+v, %v; want ErrUnauthorized", what, k, err)
	}
}

var kioskTests = []test{
	// A kiosk added gets a token of its own, shown once; the list is by id
	// (as bytes), with the time each was added.
	{"Add", func(t *testing.T, st hub.Store, clock *clock) {
		if ks := kiosks(t, st); len(ks) != 0 {
			t.Errorf("a new store lists kiosks %v", ks)
		}
		var want []hub.Kiosk
		tokens := map[string]string{}
		for i, id := range []string{"kiosk-2", "Kiosk-0", "kiosk-10", "kiosk-1", "키오스크-1"} {
			k := hub.Kiosk{ID: id, Venue: []string{"venue-1", "venue-2"}[i%2], Added: clock.advance(time.Minute)}
			token := addKiosk(t, st, k.Venue, k.ID)
			if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
				t.Errorf("token %q: want 32 bytes in unpadded base64url (%v)", token, err)
			}
			if slices.Contains(slices.Collect(maps.Values(tokens)), token) {
				t.Errorf("token of %s given before", id)
			}
			tokens[id] = token
			want = append(want, k)
		}
		slices.SortFunc(want, func(a, b hub.Kiosk) int { return strings.Compare(a.ID, b.ID) })
		ks := kiosks(t, st)
		if diff := cmp.Diff(want, ks); diff != "" {
			t.Errorf("Kiosks (-want +got):\n%s", diff)
		}
		for _, k := range want {
			authenticates(t, st, tokens[k.ID], k)
		}
	}},
	// An active kiosk's id cannot be added again, in any venue; its token
	// stays good.
	{"Exists", func(t *testing.T, st hub.Store, _ *clock) {
		token := addKiosk(t, st, "venue-1", "kiosk-1")
		for _, venue := range []string{"venue-1", "venue-2"} {
			if tok, err := st.AddKiosk(ctx, venue, "kiosk-1"); !errors.Is(err, hub.ErrExists) || tok != "" {
				t.Errorf("AddKiosk(%s, kiosk-1) of an active kiosk: %q, %v; want ErrExists", venue, tok, err)
			}
		}
		k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1", Added: t0}
		authenticates(t, st, token, k)
		if diff := cmp.Diff([]hub.Kiosk{k}, kiosks(t, st)); diff != "" {
			t.Errorf("Kiosks (-want +got):\n%s", diff)
		}
	}},
	// Venue and kiosk ids are what an entry may carry: printable, no
	// spaces, 1 to entry.MaxField bytes.
	{"Invalid", func(t *testing.T, st hub.Store, _ *clock) {
		for _, bad := range [][2]string{
			{"", "k"}, {"v", ""}, {"v", "a b"}, {"v\n", "k"}, {"v", "k\x00"}, {"v", "k\u202e"}, {"v\xff", "k"},
			{strings.Repeat("v", 129), "k"}, {"v", strings.Repeat("k", 129)},
		} {
			if tok, err := st.AddKiosk(ctx, bad[0], bad[1]); !errors.Is(err, hub.ErrInvalid) || tok != "" {
				t.Errorf("AddKiosk(%q, %q) = %q, %v; want ErrInvalid", bad[0], bad[1], tok, err)
			}
		}
		if ks := kiosks(t, st); len(ks) != 0 {
			t.Errorf("invalid kiosks were added: %v", ks)
		}
		long := strings.Repeat("k", 128)
		addKiosk(t, st, strings.Repeat("v", 128), long)
		if ks := kiosks(t, st); len(ks) != 1 || ks[0].ID != long {
			t.Errorf("a kiosk id of 128 bytes: %v", ks)
		}
	}},
	// A revoked kiosk's token is refused at once; the kiosk stays listed
	// with the time of its (first) revocation.
	{"Revoke", func(t *testing.T, st hub.Store, clock *clock) {
		token1 := addKiosk(t, st, "venue-1", "kiosk-1")
		token2 := addKiosk(t, st, "venue-1", "kiosk-2")
		at := clock.advance(time.Hour)
		if err := st.RevokeKiosk(ctx, "kiosk-1"); err != nil {
			t.Fatalf("RevokeKiosk: %v", err)
		}
		refused(t, st, "a revoked kiosk's token", token1)
		authenticates(t, st, token2, hub.Kiosk{ID: "kiosk-2", Venue: "venue-1", Added: t0})
		clock.advance(time.Hour)
		if err := st.RevokeKiosk(ctx, "kiosk-1"); err != nil {
			t.Errorf("revoking a revoked kiosk: %v", err)
		}
		if err := st.RevokeKiosk(ctx, "kiosk-9"); !errors.Is(err, hub.ErrNotFound) {
			t.Errorf("RevokeKiosk of no kiosk: %v; want ErrNotFound", err)
		}
		want := []hub.Kiosk{{ID: "kiosk-1", Venue: "venue-1", Added: t0, Revoked: at}, {ID: "kiosk-2", Venue: "venue-1", Added: t0}}
		if diff := cmp.Diff(want, kiosks(t, st)); diff != "" {
			t.Errorf("Kiosks (-want +got):\n%s", diff)
		}
	}},
	// A revoked kiosk may be added again: a new token, which works; the old
	// one stays dead.
	{"ReAdd", func(t *testing.T, st hub.Store, clock *clock) {
		var tokens []string
		for i := range 3 {
			at := clock.advance(time.Hour)
			token := addKiosk(t, st, "venue-1", "kiosk-1")
			if slices.Contains(tokens, token) {
				t.Fatalf("re-added kiosk got an old token")
			}
			k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1", Added: at}
			authenticates(t, st, token, k)
			for j, old := range tokens {
				refused(t, st, "token "+string(rune('1'+j))+" after re-adding", old)
			}
			if diff := cmp.Diff([]hub.Kiosk{k}, kiosks(t, st)); diff != "" {
				t.Errorf("Kiosks after adding %d times (-want +got):\n%s", i+1, diff)
			}
			tokens = append(tokens, token)
			clock.advance(time.Minute)
			if err := st.RevokeKiosk(ctx, "kiosk-1"); err != nil {
				t.Fatal(err)
			}
			refused(t, st, "the re-added kiosk's token after revoking", token)
		}
	}},
	{"Unauthorized", func(t *testing.T, st hub.Store, _ *clock) {
		token := addKiosk(t, st, "venue-1", "kiosk-1")
		gone := addKiosk(t, st, "venue-1", "kiosk-2")
		if err := st.RevokeKiosk(ctx, "kiosk-2"); err != nil {
			t.Fatal(err)
		}
		flipped := []byte(token)
		flipped[10] ^= 1
		for what, tok := range map[string]string{
			"no token":          "",
			"a short one":       "abc",
			"two tokens":        token + token,
			"a character off":   string(flipped),
			"one never issued":  base64.RawURLEncoding.EncodeToString(make([]byte, 32)),
			"padded":            token + "=",
			"with a space":      " " + token[1:],
			"a revoked kiosk's": gone,
		} {
			refused(t, st, what, tok)
		}
		authenticates(t, st, token, hub.Kiosk{ID: "kiosk-1", Venue: "venue-1", Added: t0})
	}},
}
