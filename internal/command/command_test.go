package command_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

func table(t *testing.T, lang string, ran *[]string) (*command.Table, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	c, err := i18n.New(lang)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	record := func(name string, err error) func(context.Context, []string) error {
		return func(_ context.Context, args []string) error {
			*ran = append(*ran, name+" "+strings.Join(args, " "))
			return err
		}
	}
	tb := &command.Table{
		Program: "prog", About: "help.usage", Cat: c, Stdout: &out, Stderr: &errb,
		Commands: []command.Command{
			{Name: "verify", Summary: "help.flags", Run: record("verify", nil)},
			{Name: "kiosk add", Summary: "help.flags", Run: record("kiosk add", command.Usagef("no --venue"))},
			{Name: "kiosk list", Summary: "help.flags", Run: record("kiosk list", errors.New("disk on fire"))},
			{Name: "check", Summary: "help.flags", Run: record("check", command.Exit(1))},
		},
	}
	return tb, &out, &errb
}

func TestDispatchAndExitCodes(t *testing.T) {
	var ran []string
	tb, _, errb := table(t, "en", &ran)
	for _, c := range []struct {
		args    []string
		code    int
		stderr  string
		ran     string
		noError bool
	}{
		{[]string{"verify", "x"}, 0, "", "verify x", true},
		{[]string{"kiosk", "add", "--venue"}, 2, "prog kiosk add: no --venue", "kiosk add --venue", false},
		{[]string{"kiosk", "list"}, 1, "prog kiosk list: disk on fire", "kiosk list ", false},
		{[]string{"check"}, 1, "", "check ", true},
		{[]string{"verfy"}, 2, `Did you mean "prog verify"?`, "", false},
		{[]string{"kiosk", "ad"}, 2, `Did you mean "prog kiosk add"?`, "", false},
		{[]string{"kiosk"}, 2, "Usage: prog kiosk add|list [flags]", "", false},
		{[]string{"kiosc", "add"}, 2, `Did you mean "prog kiosk"?`, "", false},
		{[]string{"zzzzzzzz"}, 2, `unknown command "zzzzzzzz"`, "", false},
		{nil, 2, "Exit status: 0 ok", "", false},
	} {
		errb.Reset()
		ran = nil
		code := tb.Run(context.Background(), c.args)
		if code != c.code || !strings.Contains(errb.String(), c.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, errb.String(), c.code, c.stderr)
		}
		if c.noError && errb.Len() != 0 {
			t.Errorf("%q: stderr %q, want nothing", c.args, errb.String())
		}
		if got := strings.Join(ran, ";"); got != c.ran {
			t.Errorf("%q: ran %q, want %q", c.args, got, c.ran)
		}
		if strings.Contains(errb.String(), "Did you mean") && strings.Contains(c.stderr, "unknown") {
			t.Errorf("%q: suggested a command for a name far from any", c.args)
		}
	}
}

func TestHelpLayoutTranslated(t *testing.T) {
	var ran []string
	tb, out, _ := table(t, "ko", &ran)
	if code := tb.Run(context.Background(), []string{"--help"}); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, want := range []string{"사용법: prog 명령 [옵션]", "명령:", "kiosk add", "종료 코드: 0 정상"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "Usage") {
		t.Errorf("Korean help has English headings:\n%s", out)
	}
}

func TestFlagsHelpAndErrors(t *testing.T) {
	c, _ := i18n.New("en")
	var out bytes.Buffer
	fs := command.Flags(c, &out, "prog", command.Command{Name: "register stats", Args: "[--db PATH]", Summary: "help.flags"})
	fs.String("db", "", "the register `PATH`")
	fs.Bool("json", false, "as JSON")
	fs.Int("days", 28, "keep N days")
	fs.String("lang", "", "language")
	if err := command.Parse(c, fs, []string{"-h"}, 0); !errors.Is(err, flag.ErrHelp) || command.Code(err) != 0 {
		t.Fatalf("-h: %v", err)
	}
	help := out.String()
	if strings.Count(help, "Usage:") != 1 {
		t.Errorf("help printed %d times:\n%s", strings.Count(help, "Usage:"), help)
	}
	for _, want := range []string{"Usage: prog register stats [--db PATH]", "Flags:", "--db PATH", "--json ", "--days N", "(default: 28)", "--lang TEXT", "Exit status"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	for _, bad := range []string{"-lang string", "-days int", "  -db"} {
		if strings.Contains(help, bad) {
			t.Errorf("help shows Go's %q:\n%s", bad, help)
		}
	}
	// A bad flag is an error, not the whole help.
	out.Reset()
	fs2 := command.Flags(c, &out, "prog", command.Command{Name: "x"})
	fs2.Bool("json", false, "")
	if err := command.Parse(c, fs2, []string{"--nope"}, 0); err == nil || out.Len() != 0 {
		t.Errorf("bad flag: %v, printed %q", err, out.String())
	}
	for _, c2 := range []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "flag provided but not defined: -nope (see prog x --help)"},
		{[]string{"a", "--json"}, "flag --json after an argument"},
		{[]string{"a"}, `unexpected argument "a"`},
	} {
		fs := command.Flags(c, &out, "prog", command.Command{Name: "x"})
		fs.Bool("json", false, "")
		err := command.Parse(c, fs, c2.args, 0)
		if command.Code(err) != 2 || err == nil || !strings.Contains(err.Error(), c2.want) || !strings.Contains(err.Error(), "\nUsage: prog x") {
			t.Errorf("%q: %v (exit %d), want %q", c2.args, err, command.Code(err), c2.want)
		}
	}
}

// TestSynopsisTranslated: "[flags]" in a command's arguments is said in the
// help's language, in the program's help and the command's own.
func TestSynopsisTranslated(t *testing.T) {
	ko, err := i18n.New("ko")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	fs := command.Flags(ko, &out, "prog", command.Command{Name: "scan", Args: "[--json] [flags] FILE...", Summary: "help.flags"})
	fs.Bool("json", false, "json")
	if err := command.Parse(ko, fs, []string{"-h"}, -1); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	if !strings.Contains(out.String(), "prog scan [--json] [옵션] FILE...") || strings.Contains(out.String(), "[flags]") {
		t.Errorf("Korean command help:\n%s", out.String())
	}
	tb := &command.Table{Program: "prog", About: "help.usage", Cat: ko, Stdout: &out, Stderr: &out,
		Invocations: []command.Command{{Args: "[--demo] [flags]", Summary: "help.flags"}}}
	out.Reset()
	tb.Help(&out)
	if !strings.Contains(out.String(), "prog [--demo] [옵션]") || strings.Contains(out.String(), "[flags]") {
		t.Errorf("Korean program help:\n%s", out.String())
	}
}
