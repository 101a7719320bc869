package main

import (
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/testkit/clitest"
)

var korean = clitest.Korean

// binary is passctl for the help checks every binary shares.
func binary() clitest.Binary {
	cat, _ := i18n.New("en")
	c := &cli{env: &env{stdout: io.Discard, stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, cat: cat}
	return clitest.Binary{Program: "passctl", Commands: c.commands(), Optional: false,
		RawKey: regexp.MustCompile(`passctl\.[a-z_]+\.`),
		Run: func(t *testing.T, env map[string]string, args ...string) (int, string, string) {
			return passctlIn(t, env, args...)
		}}
}

// TestHelpKorean: with a Korean locale the help is Korean throughout, and
// says nothing in English that the English catalog has.
func TestHelpKorean(t *testing.T) {
	clitest.CheckHelpKorean(t, binary())
}

// TestCommandHelp runs -h of every command, in both languages: the help
// goes once to standard output, lists the flags as --name VALUE without Go
// type names, and has every message in the catalog.
func TestCommandHelp(t *testing.T) {
	help := clitest.CheckCommandHelp(t, binary())
	_, out, _ := passctl(t, "bundle", "build", "-h")
	for _, want := range []string{"--key FILE", "--seq N", "--valid-for DURATION", "(default: 72h)", "--cert FILE", "--preset NAME"} {
		if !strings.Contains(out, want) {
			t.Errorf("bundle build -h lacks %q:\n%s", want, out)
		}
	}
	_ = help
}

// TestMistypedCommand: a name within two edits of a command's is named.
func TestMistypedCommand(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"keygen-authorty"}, `Did you mean "passctl keygen-authority"?`},
		{nil, []string{"bundle", "inspekt", "x.bin"}, `Did you mean "passctl bundle inspect"?`},
		{nil, []string{"isue", "-family", "Kim"}, `Did you mean "passctl issue"?`},
		{korean, []string{"hsah"}, `"passctl hash"을(를) 찾으셨나요?`},
	} {
		code, out, errOut := passctlIn(t, c.env, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestUsageErrors: a usage error exits 2, says so on standard error and
// prints nothing on standard output (not the help).
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "Usage: passctl COMMAND [flags]"},
		{[]string{"keygen", "-nope"}, "flag provided but not defined: -nope"},
		{[]string{"keygen", "-out"}, "flag needs an argument: -out"},
		{[]string{"keygen"}, "-out PREFIX is required"},
		{[]string{"hash"}, "give one pass"},
		{[]string{"hash", "a.txt", "b.txt"}, `unexpected argument "b.txt"`},
		{[]string{"bundle", "inspect", "b.bin", "-json"}, "flag -json after an argument"},
		{[]string{"frames", "-out", "x", "-count", "many"}, `invalid value "many" for flag -count`},
		{[]string{"contacts"}, "passctl contacts open"},
	} {
		code, out, errOut := passctl(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestMessagesKorean: what a command says, not only its help, follows the
// locale.
func TestMessagesKorean(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "sign")
	code, out, _ := passctlIn(t, korean, "keygen", "-out", prefix)
	if code != 0 || !strings.Contains(out, "파일을 만들었습니다") || !strings.Contains(out, "번들 키: ") {
		t.Errorf("keygen in Korean: exit %d\n%s", code, out)
	}
	code, _, errOut := passctlIn(t, korean, "keygen", "-out", prefix)
	if code != 1 || !strings.Contains(errOut, "passctl keygen: 키 쓰기 (덮어쓰려면 -force)") {
		t.Errorf("keygen again in Korean: exit %d, %s", code, errOut)
	}
	if code, _, errOut := passctlIn(t, korean, "issue", "-family", "Kim"); code != 2 || !strings.Contains(errOut, "-dsc PREFIX 옵션이 필요합니다") {
		t.Errorf("issue without -dsc in Korean: exit %d, %s", code, errOut)
	}
}
