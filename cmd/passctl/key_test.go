package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/i18n"
)

var testNow = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)

// passctl runs a subcommand in-process, with no locale set, and returns its
// exit code and output.
func passctl(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return passctlIn(t, nil, args...)
}

// passctlIn runs a subcommand with the environment variables environ (the
// locale).
func passctlIn(t *testing.T, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, now: func() time.Time { return testNow },
		getenv: func(k string) string { return environ[k] }}
	code = run(e, args)
	return code, out.String(), errOut.String()
}

// english is the English catalog, for the readers tests call directly.
func english(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustPassctl runs a subcommand that must succeed.
func mustPassctl(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := passctl(t, args...)
	if code != 0 {
		t.Fatalf("passctl %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// lineAfter returns the rest of the output line starting with prefix.
func lineAfter(t *testing.T, out, prefix string) string {
	t.Helper()
	for l := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("no %q line in:\n%s", prefix, out)
	return ""
}

func TestKeygen(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "sign")
	out := mustPassctl(t, "keygen", "-out", prefix)
	st, err := os.Stat(prefix + ".key")
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := readSigningKey(english(t), prefix+".key"); err != nil {
		t.Errorf("read back private key: %v", err)
	}
	printed, err := bundle.ParseKey(lineAfter(t, out, "bundle key:"))
	if err != nil {
		t.Fatal(err)
	}
	pemText, _ := os.ReadFile(prefix + ".pub")
	fromFile, err := bundle.ParseKey(string(pemText))
	if err != nil || !fromFile.Equal(printed) {
		t.Errorf("the .pub file (%v) and the printed key differ", err)
	}
	if code, _, errOut := passctl(t, "keygen", "-out", prefix); code != 1 || !strings.Contains(errOut, "-force") {
		t.Errorf("overwrite without -force: exit %d, %s", code, errOut)
	}
	mustPassctl(t, "keygen", "-out", prefix, "-force")
	if code, _, _ := passctl(t, "keygen"); code != 2 {
		t.Errorf("keygen without -out: exit %d, want 2", code)
	}
}

func TestKeygenAuthority(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "auth")
	out := mustPassctl(t, "keygen-authority", "-out", prefix)
	fromFile, err := readAuthorityKey(english(t), prefix+".pub")
	if err != nil {
		t.Fatal(err)
	}
	b64, _, _ := strings.Cut(lineAfter(t, out, "authority key:"), " ")
	printed, err := readAuthorityKey(english(t), b64)
	if err != nil || !printed.Equal(fromFile) {
		t.Fatalf("printed key %q: %v (or differs from the file)", b64, err)
	}
	if _, err := readAuthorityKey(english(t), prefix+".key"); err == nil {
		t.Error("a private key file was taken for the public key")
	}
}
