// Package command is the command table the three binaries share (passgate,
// passctl, passhub): one way to name commands, dispatch to them, print their
// help in one layout from the translation catalogs, suggest the nearest
// name for a mistyped one, and turn errors into one table of exit codes.
//
// It knows nothing of kiosks, hubs or bundles: a command is a name, a
// synopsis, a catalog key for its summary and a function. It must not import
// app, ui, checkin, uplink, hub or store.
package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/passgate/passgate/internal/i18n"
)

// The exit codes of every passgate binary, documented in each one's help.
const (
	ExitOK     = 0 // success; for verify: the pass is valid
	ExitFailed = 1 // not valid, or a check failed or the work could not be done
	ExitUsage  = 2 // usage or setup error: a bad flag or key, something missing
)

// ErrUsage marks a usage or setup error (exit 2): a bad flag, a bad or
// missing configuration key, an argument that is not there. Wrap it with
// what was wrong; Usagef does.
var ErrUsage = errors.New("usage")

// Usagef returns an error that wraps ErrUsage with the message alone (the
// word "usage" is not shown).
func Usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return ErrUsage }

// Exit is an error that only carries an exit code: the command has said
// everything already (verify's "not valid", say). Table.Run prints nothing
// for it.
type Exit int

func (e Exit) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Code is the exit code for err: 0 for nil and for -h (flag.ErrHelp), the
// code of an Exit, 2 for ErrUsage, else 1.
func Code(err error) int {
	var ex Exit
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ex):
		return int(ex)
	case errors.Is(err, ErrUsage):
		return ExitUsage
	}
	return ExitFailed
}

// Command is one entry of a table.
type Command struct {
	// Name is what the user types: "verify", or "kiosk add" for the
	// subcommand add of the group kiosk.
	Name string
	// Args is the synopsis after the name, e.g. "[--db PATH] [--json]":
	// flags and placeholders, not translated.
	Args string
	// Summary is the catalog key of a one-line summary.
	Summary string
	// Run runs the command with the arguments after its name.
	Run func(ctx context.Context, args []string) error
}

// Table is a binary's commands and how it presents them.
type Table struct {
	Program string // "passgate"
	// About is the catalog key of the paragraph at the top of the help.
	About string
	// Invocations, when set, are lines shown before the commands (how the
	// program runs without one, e.g. "passgate [--config FILE]"), each a
	// synopsis and a catalog key, as Command's Args and Summary.
	Invocations []Command
	Commands    []Command
	// Footer is the catalog key of a paragraph after the commands, "" for
	// none.
	Footer string
	// Default, when set, runs for arguments that do not start with a
	// command name (passgate's screen, passhub's serve); nil prints the
	// help.
	Default func(ctx context.Context, args []string) error

	Cat            *i18n.Catalog
	Stdout, Stderr io.Writer
}

// Run dispatches args (without the program name) and returns the exit code.
// An error from a command is printed as "PROGRAM NAME: error".
func (t *Table) Run(ctx context.Context, args []string) int {
	if len(args) > 0 && IsHelp(args[0]) {
		t.Help(t.Stdout)
		return ExitOK
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if t.Default == nil {
			t.Help(t.Stderr)
			return ExitUsage
		}
		return t.report(t.Program, t.Default(ctx, args))
	}
	name, rest := args[0], args[1:]
	if group := t.group(name); len(group) > 0 {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") || IsHelp(rest[0]) {
			w, code := t.Stderr, ExitUsage
			if len(rest) > 0 && IsHelp(rest[0]) {
				w, code = t.Stdout, ExitOK
			}
			t.groupHelp(w, name, group)
			return code
		}
		if c := t.find(name + " " + rest[0]); c != nil {
			return t.report(t.Program+" "+c.Name, c.Run(ctx, rest[1:]))
		}
		fmt.Fprintf(t.Stderr, "%s %s: %s\n", t.Program, name, t.Cat.T("help.unknown_in_group", name, rest[0]))
		t.suggest(name+" "+rest[0], group)
		return ExitUsage
	}
	if c := t.find(name); c != nil {
		return t.report(t.Program+" "+c.Name, c.Run(ctx, rest))
	}
	t.unknown(name, nil)
	return ExitUsage
}

func (t *Table) report(who string, err error) int {
	code := Code(err)
	var ex Exit
	if err != nil && code != ExitOK && !errors.As(err, &ex) {
		fmt.Fprintf(t.Stderr, "%s: %v\n", who, err)
	}
	return code
}

func (t *Table) find(name string) *Command {
	for i := range t.Commands {
		if t.Commands[i].Name == name {
			return &t.Commands[i]
		}
	}
	return nil
}

// group lists the commands of a group ("kiosk" → "kiosk add", ...).
func (t *Table) group(name string) []Command {
	var out []Command
	for _, c := range t.Commands {
		if strings.HasPrefix(c.Name, name+" ") {
			out = append(out, c)
		}
	}
	return out
}

// unknown says a name is not a command, with the nearest one when it is
// close (a typo).
func (t *Table) unknown(name string, among []Command) {
	fmt.Fprintf(t.Stderr, "%s: %s\n", t.Program, t.Cat.T("help.unknown", name))
	t.suggest(name, among)
}

// suggest names the nearest command when name is close to one (a typo),
// and where the help is.
func (t *Table) suggest(name string, among []Command) {
	if among == nil {
		among = t.Commands
	}
	if near := nearest(name, among); near != "" {
		fmt.Fprintf(t.Stderr, "%s\n", t.Cat.T("help.did_you_mean", t.Program+" "+near))
	}
	fmt.Fprintf(t.Stderr, "%s\n", t.Cat.T("help.see_help", t.Program+" --help"))
}

// Help prints the program's help: about, usage, the invocations and
// commands, the footer and the exit codes.
func (t *Table) Help(w io.Writer) {
	fmt.Fprintln(w, t.Cat.T(t.About))
	fmt.Fprintln(w)
	placeholder := "help.command_placeholder"
	if t.Default != nil {
		placeholder = "help.command_optional"
	}
	fmt.Fprintf(w, "%s: %s %s\n", t.Cat.T("help.usage"), t.Program, t.Cat.T(placeholder))
	rows := func(cs []Command, full bool) {
		width := 0
		for _, c := range cs {
			width = max(width, len(t.synopsis(c, full)))
		}
		for _, c := range cs {
			fmt.Fprintf(w, "  %-*s  %s\n", width, t.synopsis(c, full), t.Cat.T(c.Summary))
		}
	}
	if len(t.Invocations) > 0 {
		fmt.Fprintln(w)
		rows(t.Invocations, true)
	}
	fmt.Fprintf(w, "\n%s:\n", t.Cat.T("help.commands"))
	rows(t.Commands, false)
	if t.Footer != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, t.Cat.T(t.Footer))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.Cat.T("help.exit_codes"))
	fmt.Fprintln(w, t.Cat.T("help.command_help", t.Program))
}

func (t *Table) synopsis(c Command, full bool) string {
	if full {
		return strings.TrimSpace(t.Program + " " + Synopsis(t.Cat, c.Args))
	}
	return t.Program + " " + c.Name
}

func (t *Table) groupHelp(w io.Writer, name string, cs []Command) {
	subs := make([]string, 0, len(cs))
	for _, c := range cs {
		subs = append(subs, strings.TrimPrefix(c.Name, name+" "))
	}
	fmt.Fprintf(w, "%s: %s %s %s %s\n", t.Cat.T("help.usage"), t.Program, name, strings.Join(subs, "|"), t.Cat.T("help.flags_placeholder"))
	fmt.Fprintln(w)
	width := 0
	for _, c := range cs {
		width = max(width, len(c.Name))
	}
	for _, c := range cs {
		fmt.Fprintf(w, "  %s %-*s  %s\n", t.Program, width, c.Name, t.Cat.T(c.Summary))
	}
}

// IsHelp reports whether an argument asks for help.
func IsHelp(s string) bool { return s == "-h" || s == "-help" || s == "--help" || s == "help" }

// nearest is the command name within two edits of name (a typo), or "".
func nearest(name string, cs []Command) string {
	best, bestD := "", 3
	for _, c := range cs {
		group, _, _ := strings.Cut(c.Name, " ") // "register" of "register stats"
		for _, n := range []string{c.Name, group} {
			if d := distance(name, n); d < bestD {
				best, bestD = n, d
			}
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
