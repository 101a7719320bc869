package hub_test

import (
	"context"
	"strings"
	"testing"

	"github.com/passgate/passgate/hub"
)

func TestHashPassword(t *testing.T) {
	h := hub.HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "correct") {
		t.Errorf("hash %q: want argon2id in PHC form, without the password", h)
	}
	if h2 := hub.HashPassword("correct horse battery"); h2 == h {
		t.Error("two hashes of a password are the same: no salt")
	}
	if !hub.VerifyPassword(h, "correct horse battery") {
		t.Error("the password does not verify against its hash")
	}
	f := strings.Split(h, "$")
	for what, bad := range map[string]string{
		"another password":   "",
		"argon2i":            strings.Replace(h, "argon2id", "argon2i", 1),
		"another version":    strings.Replace(h, "v=19", "v=16", 1),
		"fewer passes":       strings.Replace(h, "t=2", "t=1", 1),
		"huge memory":        strings.Replace(h, "m=19456", "m=99999999", 1),
		"no memory":          strings.Replace(h, "m=19456", "m=0", 1),
		"an unknown param":   strings.Replace(h, "p=1", "x=1", 1),
		"a cut key":          strings.Join(append(f[:5:5], f[5][:20]), "$"),
		"a salt not base64":  strings.Join([]string{"", f[1], f[2], f[3], "!!!!", f[5]}, "$"),
		"empty":              "$",
		"a plain SHA-256":    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
		"the password alone": "correct horse battery",
	} {
		hash, pw := bad, "correct horse battery"
		if what == "another password" {
			hash, pw = h, "Correct horse battery"
		}
		if hub.VerifyPassword(hash, pw) {
			t.Errorf("%s: verifies", what)
		}
	}
	if hub.NoUserCheck("correct horse battery") {
		t.Error("NoUserCheck is true")
	}
}

// BenchmarkCheckPassword: a right password, a wrong one and an unknown
// user's cost the same (one argon2id), so the time of a refused login
// does not tell whether the name exists.
func BenchmarkCheckPassword(b *testing.B) {
	st, err := hub.OpenBolt(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.AddUser(ctx, "mina", hub.RoleAdmin, "correct horse battery"); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, user, pw string }{
		{"right", "mina", "correct horse battery"},
		{"wrong", "mina", "wrong horse battery!"},
		{"unknown", "nobody", "correct horse battery"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				st.CheckPassword(ctx, c.user, c.pw)
			}
		})
	}
}
