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

func addUser(t *testing.T, us hub.UserStore, name string, role hub.Role, password string) {
	t.Helper()
	if err := us.AddUser(ctx, name, role, password); err != nil {
		t.Fatalf("AddUser(%s, %s): %v", name, role, err)
	}
}

func listUsers(t *testing.T, us hub.UserStore) []hub.User {
	t.Helper()
	list, err := us.Users(ctx)
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	for _, u := range list {
		utc(t, u.Name+" added", u.Added)
	}
	return list
}

func newSession(t *testing.T, us hub.UserStore, name string, expires time.Time) string {
	t.Helper()
	token, err := us.NewSession(ctx, name, expires)
	if err != nil {
		t.Fatalf("NewSession(%s): %v", name, err)
	}
	return token
}

// sessionIs fails the test unless token is a session of want until expires.
func sessionIs(t *testing.T, us hub.UserStore, what, token string, want hub.User, expires time.Time) {
	t.Helper()
	u, exp, err := us.Session(ctx, token)
	if err != nil {
		t.Errorf("Session(%s): %v", what, err)
		return
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("Session(%s)'s user (-want +got):\n%s", what, diff)
	}
	if !exp.Equal(expires) {
		t.Errorf("Session(%s) expires %s, want %s", what, exp, expires)
	}
	utc(t, what+" expires", exp)
}

// noSession fails the test unless token is ErrUnauthorized.
func noSession(t *testing.T, us hub.UserStore, what, token string) {
	t.Helper()
	if u, _, err := us.Session(ctx, token); !errors.Is(err, hub.ErrUnauthorized) || u != (hub.User{}) {
		t.Errorf("Session(%s) = %+v, %v; want ErrUnauthorized", what, u, err)
	}
}

const (
	pwAdmin     = "correct horse battery"
	pwAuthority = "질병관리청-비밀번호-2021"
)

var userTests = []test{
	// Users are listed by name (as bytes) with their role and the time
	// added, in UTC.
	{"Add", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		if list := listUsers(t, us); len(list) != 0 {
			t.Errorf("a new store lists users %v", list)
		}
		// Added out of order: 운영자 first, then Mina, then kdca.
		want := make([]hub.User, 3)
		for _, i := range []int{2, 0, 1} {
			u := hub.User{Name: []string{"Mina", "kdca", "운영자"}[i], Role: []hub.Role{hub.RoleAdmin, hub.RoleAuthority, hub.RoleAdmin}[i]}
			u.Added = clock.advance(time.Minute).UTC()
			addUser(t, us, u.Name, u.Role, pwAdmin)
			want[i] = u
		}
		if diff := cmp.Diff(want, listUsers(t, us)); diff != "" {
			t.Errorf("Users (-want +got):\n%s", diff)
		}
	}},
	// A bad name, role or password is ErrInvalid and stores nothing.
	{"Invalid", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		for _, c := range []struct {
			what, name string
			role       hub.Role
			password   string
		}{
			{"no name", "", hub.RoleAdmin, pwAdmin},
			{"a space", "mina kim", hub.RoleAdmin, pwAdmin},
			{"a control character", "mina\x00", hub.RoleAdmin, pwAdmin},
			{"not UTF-8", "mina\xff", hub.RoleAdmin, pwAdmin},
			{"a long name", strings.Repeat("m", hub.MaxUserName+1), hub.RoleAdmin, pwAdmin},
			{"no role", "mina", "", pwAdmin},
			{"an unknown role", "mina", "root", pwAdmin},
			{"a short password", "mina", hub.RoleAdmin, "123456789"},
			{"a short Korean password", "mina", hub.RoleAdmin, "비밀번호"},
			{"a long password", "mina", hub.RoleAdmin, strings.Repeat("p", hub.MaxPassword+1)},
		} {
			if err := us.AddUser(ctx, c.name, c.role, c.password); !errors.Is(err, hub.ErrInvalid) {
				t.Errorf("AddUser with %s: %v, want ErrInvalid", c.what, err)
			}
		}
		if list := listUsers(t, us); len(list) != 0 {
			t.Errorf("after invalid adds, users %v", list)
		}
		// The limits themselves are allowed.
		addUser(t, us, strings.Repeat("m", hub.MaxUserName), hub.RoleAuthority, "비밀번호는열자가넘어요")
	}},
	// A name is unique: adding it again is ErrExists and leaves the first
	// user's role and password.
	{"Exists", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAuthority, pwAuthority)
		if err := us.AddUser(ctx, "mina", hub.RoleAdmin, pwAdmin); !errors.Is(err, hub.ErrExists) {
			t.Errorf("AddUser(mina) again: %v, want ErrExists", err)
		}
		u, err := us.CheckPassword(ctx, "mina", pwAuthority)
		if err != nil || u.Role != hub.RoleAuthority {
			t.Errorf("CheckPassword(mina, first password) = %+v, %v; want the first user", u, err)
		}
		if _, err := us.CheckPassword(ctx, "mina", pwAdmin); !errors.Is(err, hub.ErrUnauthorized) {
			t.Errorf("CheckPassword(mina, second password): %v, want ErrUnauthorized", err)
		}
	}},
	// Only the user's own password lets them in: not another's, not a
	// wrong one, not one of another case; an unknown name is refused the
	// same way.
	{"Password", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAdmin, pwAdmin)
		addUser(t, us, "kdca", hub.RoleAuthority, pwAuthority)
		want := hub.User{Name: "kdca", Role: hub.RoleAuthority, Added: t0.UTC()}
		if u, err := us.CheckPassword(ctx, "kdca", pwAuthority); err != nil || u != want {
			t.Errorf("CheckPassword(kdca, right) = %+v, %v; want %+v", u, err, want)
		}
		for _, c := range [][2]string{
			{"kdca", pwAdmin}, {"kdca", pwAuthority[:len(pwAuthority)-1]}, {"mina", strings.ToUpper(pwAdmin)}, {"kdca", pwAuthority + " "}, {"kdca", ""},
			{"KDCA", pwAuthority}, {"nobody", pwAuthority}, {"", ""},
		} {
			if u, err := us.CheckPassword(ctx, c[0], c[1]); !errors.Is(err, hub.ErrUnauthorized) || u != (hub.User{}) {
				t.Errorf("CheckPassword(%q, %q) = %+v, %v; want ErrUnauthorized", c[0], c[1], u, err)
			}
		}
	}},
	// A user removed is gone: from the list, their password, their
	// sessions; the others stay. Removing an unknown user is ErrNotFound.
	{"Remove", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAdmin, pwAdmin)
		addUser(t, us, "kdca", hub.RoleAuthority, pwAuthority)
		until := t0.Add(time.Hour).UTC()
		gone := newSession(t, us, "mina", until)
		kept := newSession(t, us, "kdca", until)
		if err := us.RemoveUser(ctx, "mina"); err != nil {
			t.Fatalf("RemoveUser(mina): %v", err)
		}
		want := []hub.User{{Name: "kdca", Role: hub.RoleAuthority, Added: t0.UTC()}}
		if diff := cmp.Diff(want, listUsers(t, us)); diff != "" {
			t.Errorf("Users after removing mina (-want +got):\n%s", diff)
		}
		if _, err := us.CheckPassword(ctx, "mina", pwAdmin); !errors.Is(err, hub.ErrUnauthorized) {
			t.Errorf("CheckPassword(removed mina): %v, want ErrUnauthorized", err)
		}
		noSession(t, us, "removed mina's", gone)
		sessionIs(t, us, "kdca's", kept, want[0], until)
		if err := us.RemoveUser(ctx, "mina"); !errors.Is(err, hub.ErrNotFound) {
			t.Errorf("RemoveUser(mina) again: %v, want ErrNotFound", err)
		}
		// A user added again under the name gets none of the old sessions.
		addUser(t, us, "mina", hub.RoleAuthority, pwAuthority)
		noSession(t, us, "the old mina's", gone)
	}},
	// A session's token is 32 random bytes in base64url; it gives the user
	// and the time it expires (to the microsecond, in UTC).
	{"Session", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAdmin, pwAdmin)
		mina := hub.User{Name: "mina", Role: hub.RoleAdmin, Added: t0.UTC()}
		until := t0.Add(12*time.Hour + 123456789) // in KST, with nanoseconds
		a := newSession(t, us, "mina", until)
		b := newSession(t, us, "mina", until)
		for _, tok := range []string{a, b} {
			if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) != 32 {
				t.Errorf("session token %q: want 32 bytes in unpadded base64url (%v)", tok, err)
			}
		}
		if a == b {
			t.Errorf("two sessions have the same token %s", a)
		}
		sessionIs(t, us, "the first", a, mina, until.UTC().Truncate(time.Microsecond))
		sessionIs(t, us, "the second", b, mina, until.UTC().Truncate(time.Microsecond))
		// The role is the user's now, not when the session began.
		if err := us.RemoveUser(ctx, "mina"); err != nil {
			t.Fatal(err)
		}
		noSession(t, us, "a removed user's", a)
	}},
	// A session works until the store's clock reaches its expiry, then
	// never again; a new session is not held back by an old one.
	{"Expired", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAdmin, pwAdmin)
		mina := hub.User{Name: "mina", Role: hub.RoleAdmin, Added: t0.UTC()}
		until := t0.Add(time.Hour).UTC()
		tok := newSession(t, us, "mina", until)
		clock.advance(time.Hour - time.Millisecond)
		sessionIs(t, us, "a session a millisecond before it expires", tok, mina, until)
		clock.advance(time.Millisecond)
		noSession(t, us, "a session at its expiry", tok)
		later := newSession(t, us, "mina", clock.Now().Add(time.Hour))
		clock.advance(-time.Hour)
		noSession(t, us, "an expired session, the clock turned back", tok)
		sessionIs(t, us, "a new session", later, mina, t0.Add(2*time.Hour).UTC())
		// A session already expired when made never works.
		past := newSession(t, us, "mina", clock.Now().Add(-time.Second))
		noSession(t, us, "a session made expired", past)
	}},
	// EndSession ends that session only; ending one twice, or one never
	// made, does nothing.
	{"End", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAdmin, pwAdmin)
		mina := hub.User{Name: "mina", Role: hub.RoleAdmin, Added: t0.UTC()}
		until := t0.Add(time.Hour).UTC()
		a := newSession(t, us, "mina", until)
		b := newSession(t, us, "mina", until)
		if err := us.EndSession(ctx, a); err != nil {
			t.Fatalf("EndSession: %v", err)
		}
		noSession(t, us, "an ended session", a)
		sessionIs(t, us, "the other session", b, mina, until)
		other, _ := hub.NewSessionToken()
		for _, tok := range []string{a, other, "", "short"} {
			if err := us.EndSession(ctx, tok); err != nil {
				t.Errorf("EndSession(%q): %v, want nil", tok, err)
			}
		}
		sessionIs(t, us, "the other session, at the end", b, mina, until)
	}},
	// Tokens never made, or made for something else, are no session; a
	// session of an unknown user cannot be made.
	{"Unknown", func(t *testing.T, st hub.Store, clock *clock) {
		us := st
		addUser(t, us, "mina", hub.RoleAdmin, pwAdmin)
		if tok, err := us.NewSession(ctx, "nobody", t0.Add(time.Hour)); !errors.Is(err, hub.ErrNotFound) || tok != "" {
			t.Errorf("NewSession(nobody) = %q, %v; want ErrNotFound", tok, err)
		}
		kiosk := addKiosk(t, st, "venue-1", "kiosk-1")
		never, _ := hub.NewSessionToken()
		tok := newSession(t, us, "mina", t0.Add(time.Hour))
		for what, s := range map[string]string{
			"a token never made": never, "a kiosk's token": kiosk, "no token": "",
			"a session token cut short": tok[:len(tok)-1], "a session token in upper case": strings.ToUpper(tok),
		} {
			noSession(t, us, what, s)
		}
	}},
}
