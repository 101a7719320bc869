package main

import (
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/i18n"
)

var korean = map[string]string{"LANG": "ko_KR.UTF-8"}

// table is passctl's command table in a language, for the tests to walk.
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
var rawKey = regexp.MustCompile(`passctl\.[a-z_]+\.`)

// TestHelpKorean: with a Korean locale the help is Korean throughout, and
// says nothing in English that the English catalog has.
func TestHelpKorean(t *testing.T) {
	code, out, _ := passctlIn(t, korean, "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	_, names, ko := table(t, "ko")
	_, _, en := table(t, "en")
	for _, want := range append([]string{"사용법: passctl 명령 [옵션]", "명령:", "종료 코드: 0 정상"}, ko...) {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	for i, summary := range en {
		if strings.Contains(out, summary) {
			t.Errorf("Korean help has the English summary of %s: %q", names[i], summary)
		}
	}
	for _, bad := range []string{"Usage", "Commands:", "Exit status"} {
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
		{"en", "Usage: passctl ", "Flags:", nil, ""},
		{"ko", "사용법: passctl ", "옵션:", korean, "Flags:"},
	} {
		_, names, summaries := table(t, l.lang)
		for i, name := range names {
			code, out, errOut := passctlIn(t, l.env, append(strings.Fields(name), "-h")...)
			if code != 0 || errOut != "" {
				t.Errorf("%s %s -h: exit %d, stderr %q", l.lang, name, code, errOut)
			}
			if n := strings.Count(out, l.usage); n != 1 {
				t.Errorf("%s %s -h: the help %d times, want once:\n%s", l.lang, name, n, out)
			}
			for _, want := range []string{l.usage + name, summaries[i], l.flags + "\n  --"} {
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
	_, out, _ := passctl(t, "bundle", "build", "-h")
	for _, want := range []string{"--key FILE", "--seq N", "--valid-for DURATION", "(default: 72h)", "--cert FILE", "--preset NAME"} {
		if !strings.Contains(out, want) {
			t.Errorf("bundle build -h lacks %q:\n%s", want, out)
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
