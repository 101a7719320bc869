package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/hub"
)

// passhubWith runs passhub with a standard input.
func passhubWith(t *testing.T, stdin string, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut lockedBuffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, now: func() time.Time { return t0 },
		getenv: func(k string) string { return environ[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func TestUser(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := passhubWith(t, "correct horse battery\n", nil, "user", "add", "--data", dir, "--name", "mina", "--role", "admin")
	if code != 0 || !strings.Contains(out, "User mina (admin) added") {
		t.Fatalf("user add: exit %d, %q, %q", code, out, errOut)
	}
	if code, _, _ := passhubWith(t, "질병관리청-비밀번호-2021", korean, "user", "add", "--data", dir, "--name", "kdca", "--role", "authority"); code != 0 {
		t.Fatalf("user add from a pipe without a newline: exit %d", code)
	}
	code, out, _ = passhubWith(t, "", nil, "user", "list", "--data", dir)
	if want := "NAME  ROLE              ADDED\nkdca  health authority  2021-12-13T03:00:00Z\nmina  admin             2021-12-13T03:00:00Z\n"; code != 0 || out != want {
		t.Errorf("user list: exit %d\n%s\nwant\n%s", code, out, want)
	}

	// The passwords are the ones piped in, and only hashes are kept.
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := st.CheckPassword(context.Background(), "kdca", "질병관리청-비밀번호-2021"); err != nil || u.Role != hub.RoleAuthority {
		t.Errorf("kdca's password: %+v, %v", u, err)
	}
	if _, err := st.CheckPassword(context.Background(), "mina", "correct horse battery\n"); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("mina's password kept its newline: %v", err)
	}
	st.Close()

	for _, c := range []struct {
		stdin string
		env   map[string]string
		args  []string
		code  int
		says  string
	}{
		{"correct horse battery", nil, []string{"user", "add", "--name", "mina", "--role", "admin"}, 1, "there is already a user mina"},
		{"correct horse battery", nil, []string{"user", "add", "--name", "x", "--role", "root"}, 2, "--role root: want admin or authority"},
		{"correct horse battery", nil, []string{"user", "add", "--name", "x"}, 2, "--name and --role are required"},
		{"short", nil, []string{"user", "add", "--name", "x", "--role", "admin"}, 1, "a password must have 10 characters"},
		{"", nil, []string{"user", "add", "--name", "x", "--role", "admin"}, 1, "no password on standard input"},
		{"", korean, []string{"user", "add", "--name", "x", "--role", "admin"}, 1, "표준 입력에 비밀번호가 없습니다"},
		{"long enough password", nil, []string{"user", "add", "--name", "a b", "--role", "admin"}, 1, "no spaces"},
		{"", nil, []string{"user", "remove", "--name", "nobody"}, 1, "there is no user nobody"},
		{"", nil, []string{"user", "remove"}, 2, "--name is required"},
	} {
		code, out, errOut := passhubWith(t, c.stdin, c.env, append(c.args, "--data", dir)...)
		if code != c.code || !strings.Contains(errOut, c.says) || out != "" {
			t.Errorf("%q: exit %d, %q, %q; want %d saying %q", c.args, code, out, errOut, c.code, c.says)
		}
	}

	if code, out, _ := passhubWith(t, "", nil, "user", "remove", "--data", dir, "--name", "mina"); code != 0 || !strings.Contains(out, "User mina removed") {
		t.Errorf("user remove: exit %d, %q", code, out)
	}
	if _, out, _ := passhubWith(t, "", nil, "user", "list", "--data", dir); strings.Contains(out, "mina") {
		t.Errorf("mina listed after removal:\n%s", out)
	}
}
