package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/passgate/passgate/internal/i18n"
)

// Flags makes the flag set of a command: errors are returned, not fatal,
// and -h prints the command's help to stdout in the layout of every
// command (usage, summary, flags, exit codes), in the catalog's language.
// Usage texts are given translated; a word in `backquotes` in one names the
// flag's value in the help (--db PATH).
func Flags(c *i18n.Catalog, stdout io.Writer, program string, cmd Command) *flag.FlagSet {
	name := strings.TrimSpace(program + " " + cmd.Name)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own messages are dropped (Parse reports errors
	// itself); the sink carries the synopsis for Parse's errors.
	fs.SetOutput(sink{synopsis: strings.TrimSpace(name + " " + Synopsis(c, cmd.Args))})
	fs.Usage = func() {
		w := stdout
		fmt.Fprintf(w, "%s: %s\n", c.T("help.usage"), strings.TrimSpace(name+" "+Synopsis(c, cmd.Args)))
		if cmd.Summary != "" {
			fmt.Fprintf(w, "\n%s\n", c.T(cmd.Summary))
		}
		if hasFlags(fs) {
			fmt.Fprintf(w, "\n%s:\n", c.T("help.flags"))
			PrintFlags(w, c, fs)
		}
		fmt.Fprintf(w, "\n%s\n", c.T("help.exit_codes"))
	}
	return fs
}

// Synopsis is a command's arguments as its help shows them: the word
// "[flags]" in the catalog's language (help.flags_placeholder); the flag
// names and value names stay as typed.
func Synopsis(c *i18n.Catalog, args string) string {
	return strings.ReplaceAll(args, "[flags]", c.T("help.flags_placeholder"))
}

// WithFlags fills in cmd.Run: each run makes the command's flag set with
// Flags and hands it to run with the arguments.
func WithFlags(c *i18n.Catalog, stdout io.Writer, program string, cmd Command,
	run func(ctx context.Context, fs *flag.FlagSet, args []string) error) Command {
	cmd.Run = func(ctx context.Context, args []string) error {
		return run(ctx, Flags(c, stdout, program, cmd), args)
	}
	return cmd
}

// Errorf is fmt.Errorf with the catalog's message for key as the format:
// a %w in it wraps as it does there.
func Errorf(c *i18n.Catalog, key string, args ...any) error {
	return fmt.Errorf(c.T(key), args...)
}

// UsageKey is a usage error (exit 2) with the catalog's message for key.
func UsageKey(c *i18n.Catalog, key string, args ...any) error {
	return Usagef("%s", c.T(key, args...))
}

// sink is a flag set's output: it discards and remembers the synopsis.
type sink struct{ synopsis string }

func (sink) Write(p []byte) (int, error) { return len(p), nil }

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// PrintFlags lists the flags of fs, two columns, without Go's type names:
// "--name VALUE  usage (default: D)".
func PrintFlags(w io.Writer, c *i18n.Catalog, fs *flag.FlagSet) {
	type row struct{ left, right string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if !isBool(f) {
			left += " " + placeholder(value)
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" && d != "[]" {
			usage += " " + c.T("help.default", d)
		}
		rows = append(rows, row{left, usage})
		width = max(width, runewidth.StringWidth(left))
	})
	for _, r := range rows {
		pad := strings.Repeat(" ", width-runewidth.StringWidth(r.left))
		fmt.Fprintf(w, "  %s%s  %s\n", r.left, pad, strings.ReplaceAll(r.right, "\n", "\n  "+strings.Repeat(" ", width)+"  "))
	}
}

// placeholder names a flag's value in the help: the word the usage gives in
// backquotes, else one for its kind.
func placeholder(value string) string {
	switch value {
	case "string", "":
		return "TEXT"
	case "int", "uint", "int64", "uint64", "float":
		return "N"
	case "duration":
		return "DURATION"
	case "value":
		return "VALUE"
	}
	return value
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// Parse parses a command's flags. -h returns flag.ErrHelp (after printing
// the help); a bad flag, a flag after an argument, or more than maxArgs
// arguments (-1: any number) returns an error wrapping ErrUsage that names
// it.
func Parse(c *i18n.Catalog, fs *flag.FlagSet, args []string, maxArgs int) error {
	fail := func(msg string) error {
		if s, ok := fs.Output().(sink); ok {
			msg += "\n" + c.T("help.usage") + ": " + s.synopsis
		}
		return Usagef("%s", msg)
	}
	// The flag package calls Usage itself on -h and on every bad flag;
	// the help is printed here, once, and only for -h.
	help := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = help
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			help()
			return err
		}
		return fail(c.T("help.bad_flag", err, fs.Name()+" --help"))
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") && a != "-" {
			return fail(c.T("help.flag_after_arg", a, fs.Name()+" --help"))
		}
	}
	if maxArgs >= 0 && fs.NArg() > maxArgs {
		return fail(c.T("help.extra_arg", fs.Arg(maxArgs), fs.Name()+" --help"))
	}
	return nil
}

// UsageError is a usage error of a command whose flags parsed: msg, then
// the command's synopsis line, as Parse's own errors.
func UsageError(c *i18n.Catalog, fs *flag.FlagSet, msg string) error {
	if s, ok := fs.Output().(sink); ok {
		msg += "\n" + c.T("help.usage") + ": " + s.synopsis
	}
	return Usagef("%s", msg)
}

// Given reports whether the flag name was set on the command line.
func Given(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
