package main

import (
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/i18n"
)

var korean = map[string]string{"LANG": "ko_KR.UTF-8"}

// table is passhub's command table in a language, for the tests to walk.
func table(t *testing.T, lang string) (*i18n.Catalog, []string, []string) {
	t.Helper()
	cat, err := i18n.New(lang)
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{env: &env{stdout: io.Discard, stderr: io.Discard, now: time.Now, getenv: func(string) string { return "" }}, cat: cat}
	var names, summaries []string
	for _, cmd := range c.commands() {
		names = append(names, cmd.Name)
		summaries = append(summaries, cat.T(cmd.Summary))
	}
	return cat, names, summaries
}

// rawKey is a catalog key shown as itself: a message missing from the
// catalogs.
var rawKey = regexp.MustCompile(`passhub\.[a-z_]+`)

// TestHelpKorean: with a Korean locale the help is Korean throughout, and
// says nothing in English that the English catalog has.
func TestHelpKorean(t *testing.T) {
	code, out, _ := passhubIn(t, t0, korean, "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	ko, names, summaries := table(t, "ko")
	en, _, english := table(t, "en")
	for _, want := range append([]string{"사용법: passhub [명령] [옵션]", "명령:", "종료 코드: 0 정상", ko.T("passhub.footer")}, summaries...) {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	for i, summary := range english {
		if strings.Contains(out, summary) {
			t.Errorf("Korean help has the English summary of %s: %q", names[i], summary)
		}
	}
	for _, key := range []string{"passhub.about", "passhub.footer"} {
		if strings.Contains(out, en.T(key)) {
			t.Errorf("Korean help has the English %s", key)
		}
	}
	for _, bad := range []string{"Usage", "Commands:", "Exit status", "COMMAND"} {
		if strings.Contains(out, bad) {
			t.Errorf("Korean help has the English %q:\n%s", bad, out)
		}
	}
	if k := rawKey.FindString(out); k != "" {
		t.Errorf("help shows the key %s for a missing message", k)
	}
}

// TestCommandHelp runs -h of every command, in both languages: the help
// goes once to standard output, lists the flags as --name VALUE without Go
// type names, and has every message in the catalog.
func TestCommandHelp(t *testing.T) {
	goType := regexp.MustCompile(`--?[a-z0-9-]+ (string|int|uint|uint64|int64|float64|duration|value)\b`)
	for _, l := range []struct {
		lang, usage, flags string
		env                map[string]string
		english            string // a heading that must not show
	}{
		{"en", "Usage: passhub ", "Flags:", nil, ""},
		{"ko", "사용법: passhub ", "옵션:", korean, "Flags:"},
	} {
		_, names, summaries := table(t, l.lang)
		for i, name := range names {
			code, out, errOut := passhubIn(t, t0, l.env, append(strings.Fields(name), "-h")...)
			if code != 0 || errOut != "" {
				t.Errorf("%s %s -h: exit %d, stderr %q", l.lang, name, code, errOut)
			}
			if n := strings.Count(out, l.usage); n != 1 {
				t.Errorf("%s %s -h: the help %d times, want once:\n%s", l.lang, name, n, out)
			}
			for _, want := range []string{l.usage + name, summaries[i], l.flags + "\n  --", "\n  --data DIR "} {
				if !strings.Contains(out, want) {
					t.Errorf("%s %s -h lacks %q:\n%s", l.lang, name, want, out)
				}
			}
			if m := goType.FindString(out); m != "" {
				t.Errorf("%s %s -h shows Go's %q:\n%s", l.lang, name, m, out)
			}
			if l.english != "" && strings.Contains(out, l.english) {
				t.Errorf("%s %s -h has the English %q", l.lang, name, l.english)
			}
			if k := rawKey.FindString(out); k != "" {
				t.Errorf("%s %s -h shows the key %s for a missing message", l.lang, name, k)
			}
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
// flags are serve's.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "passhub: flag provided but not defined: -nope"},
		{[]string{"--max-inflight", "0"}, "--max-inflight 0: want 1 or more"},
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
