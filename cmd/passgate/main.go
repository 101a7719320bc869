// Command passgate is the venue kiosk: offline verification of vaccine
// passes at the door. With no arguments on a terminal it runs the kiosk
// screen (configured when a configuration file is found, else the built-in
// demo); --headless runs the desk without a screen; the commands verify
// passes, read QR codes, list cameras, sync with the hub and look after the
// register.
//
// This package is the command line only: flags, the command table and
// what each command prints. Kiosks are built and run by package app.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

func main() {
	os.Exit(Main(app.OSEnv(), os.Args[1:]))
}

// The exit codes, as every passgate binary has them.
const (
	ExitOK       = command.ExitOK
	ExitNotValid = command.ExitFailed
	ExitUsage    = command.ExitUsage
)

// cli is one run of the command line: its environment and language.
type cli struct {
	env *app.Env
	cat *i18n.Catalog
}

// Main runs passgate with its arguments (without the program name) and
// returns the exit code. Tests run it in-process.
func Main(env *app.Env, args []string) int {
	c, _ := env.Catalog("")
	p := &cli{env: env, cat: c}
	return p.table().Run(env.Context(), args)
}

func (p *cli) table() *command.Table {
	return &command.Table{
		Program: "passgate", About: "usage.about", Footer: "usage.footer",
		Invocations: []command.Command{
			{Args: screenArgs, Summary: "usage.screen"},
			{Args: "--headless " + headlessArgs, Summary: "usage.headless"},
		},
		Commands: []command.Command{
			{Name: "verify", Args: "[flags] (PAYLOAD | - | --image FILE)", Summary: "usage.verify", Run: p.verify},
			{Name: "scan", Args: "[--json] [--repeat N] FILE...", Summary: "usage.scan", Run: p.scan},
			{Name: "devices", Args: "[--json]", Summary: "usage.devices", Run: p.devices},
			{Name: "watch", Args: "[--config FILE] [--camera DEVICE | --replay FILE.y4m|DIR] [flags]", Summary: "usage.watch", Run: p.watch},
			{Name: "register stats", Args: "[--config FILE] [--db PATH] [--json]", Summary: "usage.register_stats", Run: p.registerStats},
			{Name: "register export", Args: "--since DATE [--format csv|jsonl] [--out FILE] [--config FILE] [--db PATH]", Summary: "usage.register_export", Run: p.registerExport},
			{Name: "register purge", Args: "[--days N] [--config FILE] [--db PATH]", Summary: "usage.register_purge", Run: p.registerPurge},
			{Name: "sync", Args: "[--config FILE] [--once [--json]] [--hub URL --token-file FILE --bundle-key KEY] [flags]", Summary: "usage.sync", Run: p.sync},
			{Name: "init", Args: "[--out FILE] [--force]", Summary: "usage.init", Run: p.init},
			{Name: "pin-hash", Args: "(then type the PIN, or: echo PIN | passgate pin-hash)", Summary: "usage.pin-hash", Run: p.pinHash},
		},
		Default: p.kiosk,
		Cat:     p.cat, Stdout: p.env.Stdout, Stderr: p.env.Stderr,
	}
}

// flags makes the flag set of a command, in the help layout of every
// passgate binary.
func (p *cli) flags(name, args, summary string) *flag.FlagSet {
	return command.Flags(p.cat, p.env.Stdout, "passgate", command.Command{Name: name, Args: args, Summary: summary})
}

// parse parses a command's flags; see command.Parse.
func (p *cli) parse(fs *flag.FlagSet, args []string, maxArgs int) error {
	return command.Parse(p.cat, fs, args, maxArgs)
}

// language switches the catalog to --lang when given.
func (p *cli) language(lang string) error {
	if lang == "" {
		return nil
	}
	lc, err := p.env.Catalog(lang)
	if err != nil {
		return command.Usagef("%s", p.cat.T("cli.bad_lang", lang))
	}
	p.cat = lc
	return nil
}

// configFlag adds --config to a command that touches a kiosk's state.
func (p *cli) configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", p.cat.T("flag.screen.config"))
}

// open builds the app of a command from its configuration and the flags
// that override it. The command speaks the kiosk's language from then on
// ([kiosk] language, --lang, else the locale).
func (p *cli) open(cfgPath string, demo, demoIfNone bool, ov *config.Overrides, mode app.Mode) (*app.App, error) {
	cfg, err := app.LoadConfig(p.env, cfgPath, demo, demoIfNone, ov)
	if err != nil {
		return nil, err
	}
	a, err := app.Open(cfg, p.env, mode)
	if err != nil {
		return nil, err
	}
	p.cat = a.Cat
	return a, nil
}

// closeApp closes a, keeping the first error.
func closeApp(a *app.App, err *error) {
	if cerr := a.Close(); *err == nil && cerr != nil {
		*err = fmt.Errorf("%s: %w", a.Cat.T("app.closing"), cerr)
	}
}

// usage is a usage error of a command whose flags parsed, with its
// synopsis.
func (p *cli) usage(fs *flag.FlagSet, msg string) error {
	return command.UsageError(p.cat, fs, msg)
}
