package main

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
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

// TestServePage: passhub serve serves the operator's page at /, next to
// the API, to the users `passhub user add` made; over TLS its cookies are
// Secure and __Host-.
func TestServePage(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := passhubWith(t, "correct horse battery\n", nil, "user", "add", "--data", dir, "--name", "mina", "--role", "admin"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	m := NewMain(&env{stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, english(t))
	m.Addr, m.DataDir = "127.0.0.1:0", dir
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	defer c.CloseIdleConnections()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := c.Get(m.Server.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, login := get("/") // redirected to /login
	if code != http.StatusOK || !strings.Contains(login, `action="/login"`) {
		t.Fatalf("GET /: %d, want the login page:\n%s", code, login)
	}
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(login)
	if tok == nil {
		t.Fatal("no csrf token on the login page")
	}
	resp, err := c.PostForm(m.Server.URL()+"/login", url.Values{"csrf": {tok[1]}, "name": {"mina"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "signed in as mina") {
		t.Errorf("login: %d\n%s", resp.StatusCode, body)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz beside the page: %d", code)
	}
	// While the hub holds the data directory, the users are reached
	// through its admin socket.
	if code, out, errOut := passhubWith(t, "", nil, "user", "list", "--data", dir); code != 0 || !strings.Contains(out, "mina") {
		t.Errorf("user list while serving: exit %d, %q, %s", code, out, errOut)
	}

	certFile, keyFile, pool := selfSigned(t)
	ms := NewMain(&env{stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, english(t))
	ms.Addr, ms.DataDir, ms.TLSCert, ms.TLSKey = "127.0.0.1:0", t.TempDir(), certFile, keyFile
	if err := ms.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	tc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer tc.CloseIdleConnections()
	resp, err = tc.Get(ms.Server.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if set := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(set, "__Host-passhub_login=") || !strings.Contains(set, "; Secure") {
		t.Errorf("the login cookie over TLS: %q, want __Host- and Secure", set)
	}
}
