package main

import (
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/testkit/clitest"
)

var korean = clitest.Korean

// binary is passhub for the help checks every binary shares.
func binary() clitest.Binary {
	cat, _ := i18n.New("en")
	c := &cli{env: &env{stdout: io.Discard, stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, cat: cat}
	return clitest.Binary{Program: "passhub", Commands: c.commands(), Optional: false,
		RawKey: regexp.MustCompile(`passhub\.[a-z_]+`),
		Run: func(t *testing.T, env map[string]string, args ...string) (int, string, string) {
			return passhubIn(t, t0, env, args...)
		}}
}

// TestHelpKorean: with a Korean locale the help is Korean throughout, and
// says nothing in English that the English catalog has.
func TestHelpKorean(t *testing.T) {
	clitest.CheckHelpKorean(t, binary())
	_, out, _ := passhubIn(t, t0, korean, "--help")
	cat, _ := i18n.New("ko")
	en, _ := i18n.New("en")
	if !strings.Contains(out, cat.T("passhub.footer")) || strings.Contains(out, en.T("passhub.about")) {
		t.Errorf("Korean help's about and footer:\n%s", out)
	}
}

// TestCommandHelp runs -h of every command, in both languages: the help
// goes once to standard output, lists the flags as --name VALUE without Go
// type names, and has every message in the catalog.
func TestCommandHelp(t *testing.T) {
	help := clitest.CheckCommandHelp(t, binary())
	for name, out := range help {
		if name != "migrate" && !strings.Contains(out, "\n  --data DIR ") {
			t.Errorf("%s -h lacks --data DIR:\n%s", name, out)
		}
		if !strings.Contains(out, "\n  --store URL ") {
			t.Errorf("%s -h lacks --store URL:\n%s", name, out)
		}
	}
	_, out, _ := passhub(t, "serve", "-h")
	for _, want := range []string{"--addr ADDRESS", "--max-inflight N", "--retry-after DURATION", "(default: 5s)", "--insecure  "} {
		if !strings.Contains(out, want) {
			t.Errorf("serve -h lacks %q:\n%s", want, out)
		}
	}
}

// TestMistypedCommand: a name within two edits of a command's is named.
func TestMistypedCommand(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"pruge"}, `Did you mean "passhub purge"?`},
		{nil, []string{"kiosk", "revok", "--kiosk", "k"}, `Did you mean "passhub kiosk revoke"?`},
		{nil, []string{"entries", "exprot"}, `Did you mean "passhub entries export"?`},
		{korean, []string{"serv"}, `"passhub serve"을(를) 찾으셨나요?`},
	} {
		code, out, errOut := passhubIn(t, t0, c.env, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestUsageErrors: a usage error exits 2, says so on standard error and
// prints nothing on standard output (not the help). Without a command the
// help is printed, on standard error.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "Usage: passhub COMMAND [flags]"},
		{[]string{"--nope"}, "Usage: passhub COMMAND [flags]"},
		{[]string{"serve", "--nope"}, "passhub serve: flag provided but not defined: -nope"},
		{[]string{"serve", "--max-inflight", "0"}, "--max-inflight 0: want 1 or more"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"purge", "--days", "many"}, `invalid value "many" for flag -days`},
		{[]string{"kiosk", "revoke"}, "--kiosk is required"},
		{[]string{"bundle", "publish", "b.bin", "--bundle-key", "k"}, "flag --bundle-key after an argument"},
		{[]string{"entries", "--since", "2021-12-13"}, "passhub entries export"},
	} {
		code, out, errOut := passhub(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestMessagesKorean: what a command says, not only its help, follows the
// locale.
func TestMessagesKorean(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := passhubIn(t, t0, korean, "kiosk", "list", "--data", dir); code != 0 || !strings.Contains(errOut, "아직 키오스크가 없습니다") {
		t.Errorf("kiosk list in Korean: exit %d, %s", code, errOut)
	}
	code, token, errOut := passhubIn(t, t0, korean, "kiosk", "add", "--data", dir, "--venue", "강남점", "--kiosk", "입구-1")
	if code != 0 || len(strings.TrimSpace(token)) != 43 || !strings.Contains(errOut, "이번 한 번만 보여 줍니다") {
		t.Errorf("kiosk add in Korean: exit %d, %q, %s", code, token, errOut)
	}
	// The columns line up on a terminal, where a Hangul syllable takes two.
	_, out, _ := passhubIn(t, t0, korean, "kiosk", "list", "--data", dir)
	if want := "키오스크  업소    등록                  상태\n입구-1    강남점  2021-12-13T03:00:00Z  사용 중\n"; out != want {
		t.Errorf("kiosk list in Korean:\n%s\nwant\n%s", out, want)
	}
	if code, _, errOut := passhubIn(t, t0, korean, "serve", "--addr", "0.0.0.0:80", "--data", dir); code != 2 || !strings.Contains(errOut, "암호화되지 않은 HTTP") {
		t.Errorf("serve off loopback in Korean: exit %d, %s", code, errOut)
	}
}
