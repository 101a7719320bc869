package storetest

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/hub"
)

// addAuthority adds an authority and fails the test on an error.
func addAuthority(t *testing.T, st hub.Store, name string) string {
	t.Helper()
	token, err := st.AddAuthority(ctx, name)
	if err != nil {
		t.Fatalf("AddAuthority(%s): %v", name, err)
	}
	return token
}

func authorities(t *testing.T, st hub.Store) []hub.Authority {
	t.Helper()
	as, err := st.Authorities(ctx)
	if err != nil {
		t.Fatalf("Authorities: %v", err)
	}
	for _, a := range as {
		utc(t, a.Name+" added", a.Added)
		utc(t, a.Name+" revoked", a.Revoked)
	}
	return as
}

// authorityIs fails the test unless token is want's.
func authorityIs(t *testing.T, st hub.Store, token string, want hub.Authority) {
	t.Helper()
	a, err := st.AuthenticateAuthority(ctx, token)
	if err != nil {
		t.Errorf("AuthenticateAuthority(%s's token): %v", want.Name, err)
		return
	}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("AuthenticateAuthority(%s's token) (-want +got):\n%s", want.Name, diff)
	}
	utc(t, a.Name+" added", a.Added)
}

// notAuthority fails the test unless token is ErrUnauthorized as an
// authority's.
func notAuthority(t *testing.T, st hub.Store, what, token string) {
	t.Helper()
	if a, err := st.AuthenticateAuthority(ctx, token); !errors.Is(err, hub.ErrUnauthorized) || a != (hub.Authority{}) {
		t.Errorf("AuthenticateAuthority(%s) = %+v, %v; want ErrUnauthorized", what, a, err)
	}
}

var authorityTests = []test{
	// An authority added gets a token of its own, shown once; the list is
	// by name (as bytes), with the time each was added.
	{"Add", func(t *testing.T, st hub.Store, clock *clock) {
		if as := authorities(t, st); len(as) != 0 {
			t.Errorf("a new store lists authorities %v", as)
		}
		tokens := map[string]string{}
		var want []hub.Authority
		for _, name := range []string{"kdca", "Busan", "seoul-jongno", "kdca-2", "질병관리청"} {
			a := hub.Authority{Name: name, Added: clock.advance(time.Minute).UTC()}
			token := addAuthority(t, st, name)
			if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
				t.Errorf("token %q: want 32 bytes in unpadded base64url (%v)", token, err)
			}
			for other, tok := range tokens {
				if tok == token {
					t.Errorf("%s got %s's token", name, other)
				}
			}
			tokens[name] = token
			want = append(want, a)
		}
		for _, a := range want {
			authorityIs(t, st, tokens[a.Name], a)
		}
		byName := []hub.Authority{want[1], want[0], want[3], want[2], want[4]}
		if diff := cmp.Diff(byName, authorities(t, st)); diff != "" {
			t.Errorf("Authorities (-want +got):\n%s", diff)
		}
	}},
	// An active name is taken; a name must be printable, without spaces,
	// at most 128 bytes; a revoked one is added again with a new token.
	{"Exists", func(t *testing.T, st hub.Store, clock *clock) {
		old := addAuthority(t, st, "kdca")
		if _, err := st.AddAuthority(ctx, "kdca"); !errors.Is(err, hub.ErrExists) {
			t.Errorf("adding an active authority again: %v, want ErrExists", err)
		}
		for _, bad := range []string{"", "two words", "tab\there", "\x00", "\xff", strings.Repeat("a", 129)} {
			if _, err := st.AddAuthority(ctx, bad); !errors.Is(err, hub.ErrInvalid) {
				t.Errorf("AddAuthority(%q): %v, want ErrInvalid", bad, err)
			}
		}
		if as := authorities(t, st); len(as) != 1 {
			t.Errorf("after refusals: %v", as)
		}
		if err := st.RevokeAuthority(ctx, "kdca"); err != nil {
			t.Fatal(err)
		}
		added := clock.advance(time.Hour).UTC()
		token := addAuthority(t, st, "kdca")
		if token == old {
			t.Error("the same token again")
		}
		notAuthority(t, st, "the token before the revocation", old)
		authorityIs(t, st, token, hub.Authority{Name: "kdca", Added: added})
		if diff := cmp.Diff([]hub.Authority{{Name: "kdca", Added: added}}, authorities(t, st)); diff != "" {
			t.Errorf("Authorities (-want +got):\n%s", diff)
		}
	}},
	// A revoked authority's token is refused at once; the list keeps it,
	// with the time of its first revocation.
	{"Revoke", func(t *testing.T, st hub.Store, clock *clock) {
		a := hub.Authority{Name: "kdca", Added: clock.Now().UTC()}
		token := addAuthority(t, st, a.Name)
		other := addAuthority(t, st, "busan")
		a.Revoked = clock.advance(time.Minute).UTC()
		if err := st.RevokeAuthority(ctx, a.Name); err != nil {
			t.Fatal(err)
		}
		notAuthority(t, st, "a revoked authority's token", token)
		authorityIs(t, st, other, hub.Authority{Name: "busan", Added: a.Added})
		clock.advance(time.Minute)
		if err := st.RevokeAuthority(ctx, a.Name); err != nil {
			t.Errorf("revoking again: %v", err)
		}
		if as := authorities(t, st); len(as) != 2 || as[1] != a {
			t.Errorf("Authorities = %v, want kdca as %v", as, a)
		}
		if err := st.RevokeAuthority(ctx, "nobody"); !errors.Is(err, hub.ErrNotFound) {
			t.Errorf("RevokeAuthority(nobody): %v, want ErrNotFound", err)
		}
	}},
	// A kiosk's token is no authority's, and an authority's is no
	// kiosk's, even of the same name; revoking one leaves the other.
	{"Separate", func(t *testing.T, st hub.Store, clock *clock) {
		kt := addKiosk(t, st, "venue-1", "health")
		at := addAuthority(t, st, "health")
		notAuthority(t, st, "a kiosk's token", kt)
		refused(t, st, "an authority's token", at)
		if ks := kiosks(t, st); len(ks) != 1 || ks[0].ID != "health" {
			t.Errorf("Kiosks = %v", ks)
		}
		if err := st.RevokeKiosk(ctx, "health"); err != nil {
			t.Fatal(err)
		}
		authorityIs(t, st, at, hub.Authority{Name: "health", Added: clock.Now().UTC()})
		if err := st.RevokeAuthority(ctx, "nobody-kiosk"); !errors.Is(err, hub.ErrNotFound) {
			t.Errorf("RevokeAuthority of a name never added: %v", err)
		}
		kt2 := addKiosk(t, st, "venue-1", "health")
		if err := st.RevokeAuthority(ctx, "health"); err != nil {
			t.Fatal(err)
		}
		authenticates(t, st, kt2, hub.Kiosk{ID: "health", Venue: "venue-1", Added: clock.Now().UTC()})
		if _, err := st.AddKiosk(ctx, "venue-1", "kiosk-9"); err != nil {
			t.Fatal(err)
		}
		if as := authorities(t, st); len(as) != 1 {
			t.Errorf("a kiosk added shows as an authority: %v", as)
		}
	}},
	// No token, a malformed one, one never issued: refused.
	{"Unauthorized", func(t *testing.T, st hub.Store, _ *clock) {
		token := addAuthority(t, st, "kdca")
		for what, tok := range map[string]string{
			"no token":          "",
			"a token cut short": token[:42],
			"a token too long":  token + "A",
			"a token never issued": base64.RawURLEncoding.EncodeToString(
				[]byte("0123456789abcdef0123456789abcdef")),
			"the token in upper case": strings.ToUpper(token),
		} {
			if tok == token {
				continue
			}
			notAuthority(t, st, what, tok)
		}
	}},
}
