package command

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

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
	fs.SetOutput(io.Discard) // Parse's own messages: Parse reports errors itself
	fs.Usage = func() {
		w := stdout
		fmt.Fprintf(w, "%s: %s\n", c.T("help.usage"), strings.TrimSpace(name+" "+cmd.Args))
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
		width = max(width, len(left))
	})
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.left, strings.ReplaceAll(r.right, "\n", "\n  "+strings.Repeat(" ", width)+"  "))
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return err
		}
		return Usagef("%s", c.T("help.bad_flag", err, fs.Name()+" --help"))
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") && a != "-" {
			return Usagef("%s", c.T("help.flag_after_arg", a, fs.Name()+" --help"))
		}
	}
	if maxArgs >= 0 && fs.NArg() > maxArgs {
		return Usagef("%s", c.T("help.extra_arg", fs.Arg(maxArgs), fs.Name()+" --help"))
	}
	return nil
}

// Given reports whether the flag name was set on the command line.
func Given(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
