// Package clitest checks what every passgate binary's help must do, in
// both languages, so passgate, passctl and passhub are held to one layout
// by one test: the program's help is in the locale's language throughout;
// every command's -h goes once to standard output, names the command,
// carries its summary, lists flags as --name VALUE without Go's type
// names, and shows no catalog key for a missing message. Only tests import
// it.
package clitest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

// Binary is a program under test.
type Binary struct {
	Program string
	// Commands is its command table (summaries are catalog keys).
	Commands []command.Command
	// Optional: the program runs without a command (its usage line says
	// [COMMAND]).
	Optional bool
	// RawKey matches one of the program's catalog keys shown as itself.
	RawKey *regexp.Regexp
	// Run runs the program in-process with these environment variables.
	Run func(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string)
}

// Korean is the environment of a Korean locale.
var Korean = map[string]string{"LANG": "ko_KR.UTF-8"}

func catalog(t *testing.T, lang string) *i18n.Catalog {
	t.Helper()
	c, err := i18n.New(lang)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CheckHelpKorean: with a Korean locale the program's help is Korean
// throughout and says nothing in English that the English catalog has.
func CheckHelpKorean(t *testing.T, b Binary) {
	t.Helper()
	code, out, _ := b.Run(t, Korean, "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	ko, en := catalog(t, "ko"), catalog(t, "en")
	placeholder := "help.command_placeholder"
	if b.Optional {
		placeholder = "help.command_optional"
	}
	want := []string{ko.T("help.usage") + ": " + b.Program + " " + ko.T(placeholder), ko.T("help.commands") + ":", ko.T("help.exit_codes")}
	for _, c := range b.Commands {
		want = append(want, ko.T(c.Summary))
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("help lacks %q:\n%s", w, out)
		}
	}
	for _, c := range b.Commands {
		if s := en.T(c.Summary); s != ko.T(c.Summary) && strings.Contains(out, s) {
			t.Errorf("Korean help has the English summary of %s: %q", c.Name, s)
		}
	}
	for _, bad := range []string{"Usage", "Commands:", "Exit status", "COMMAND"} {
		if strings.Contains(out, bad) {
			t.Errorf("Korean help has the English %q:\n%s", bad, out)
		}
	}
	if k := b.RawKey.FindString(out); k != "" {
		t.Errorf("help shows the key %s for a missing message", k)
	}
}

var goType = regexp.MustCompile(`--?[a-z0-9-]+ (string|int|uint|uint64|int64|float64|duration|value)\b`)

// CheckCommandHelp runs -h of every command in both languages and returns
// each command's English help by name, for the caller's own checks.
func CheckCommandHelp(t *testing.T, b Binary) map[string]string {
	t.Helper()
	english := map[string]string{}
	for _, lang := range []string{"en", "ko"} {
		c := catalog(t, lang)
		env := map[string]string{"LANG": "en_US.UTF-8"}
		if lang == "ko" {
			env = Korean
		}
		usage := c.T("help.usage") + ": " + b.Program + " "
		for _, cmd := range b.Commands {
			code, out, errOut := b.Run(t, env, append(strings.Fields(cmd.Name), "-h")...)
			if code != 0 || errOut != "" {
				t.Errorf("%s %s -h: exit %d, stderr %q", lang, cmd.Name, code, errOut)
			}
			if n := strings.Count(out, usage); n != 1 {
				t.Errorf("%s %s -h: the help %d times, want once:\n%s", lang, cmd.Name, n, out)
			}
			heading := c.T("help.flags") + ":"
			if strings.Contains(out, heading) && !strings.Contains(out, heading+"\n  --") {
				t.Errorf("%s %s -h: %q with no flag under it:\n%s", lang, cmd.Name, heading, out)
			}
			for _, want := range []string{usage + cmd.Name, c.T(cmd.Summary)} {
				if !strings.Contains(out, want) {
					t.Errorf("%s %s -h lacks %q:\n%s", lang, cmd.Name, want, out)
				}
			}
			if m := goType.FindString(out); m != "" {
				t.Errorf("%s %s -h shows Go's %q:\n%s", lang, cmd.Name, m, out)
			}
			if lang == "ko" && strings.Contains(out, "Flags:") {
				t.Errorf("ko %s -h has the English \"Flags:\"", cmd.Name)
			}
			if k := b.RawKey.FindString(out); k != "" {
				t.Errorf("%s %s -h shows the key %s for a missing message", lang, cmd.Name, k)
			}
			if lang == "en" {
				english[cmd.Name] = out
			}
		}
	}
	return english
}
