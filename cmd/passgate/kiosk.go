package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/config"
)

const (
	screenArgs   = "[--config FILE | --demo] [--lang ko|en] [flags]"
	headlessArgs = "[--config FILE | --demo] [--no-stdin] [--for DURATION] [--holder] [flags]"
)

// kioskFlags are the override flags of the screen and of headless mode:
// every part of a kiosk a configuration file sets.
func kioskFlags() []string {
	return []string{"db", "lang", "camera", "replay", "loop", "size", "fps", "bundle", "bundle-key", "policy",
		"venue", "kiosk", "sound", "hook", "hub", "token-file", "log-level", "log-file", "log-format"}
}

// kiosk is passgate without a command: the screen, or --headless (which
// may stand anywhere among the flags). With no arguments at all and no
// terminal, it says what passgate is instead.
func (p *cli) kiosk(ctx context.Context, args []string) error {
	if len(args) == 0 && !app.IsTerminal(p.env.Stdout) {
		fmt.Fprintln(p.env.Stdout, p.cat.T("cli.intro"))
		return nil
	}
	rest := slices.DeleteFunc(slices.Clone(args), func(a string) bool {
		return a == "--headless" || a == "-headless" || a == "--headless=true"
	})
	if len(rest) != len(args) {
		return p.headless(ctx, rest)
	}
	return p.screen(ctx, args)
}

// kioskCmd parses the flags the screen and headless mode share.
type kioskCmd struct {
	fs   *flag.FlagSet
	ov   config.Overrides
	cfg  *string
	demo *bool
}

func (p *cli) kioskCmd(name, args, summary string) *kioskCmd {
	k := &kioskCmd{fs: p.flags(name, args, summary)}
	k.cfg = p.configFlag(k.fs)
	k.demo = k.fs.Bool("demo", false, p.cat.T("flag.headless.demo"))
	app.BindFlags(k.fs, p.cat, &k.ov, kioskFlags()...)
	return k
}

// screen runs the kiosk screen: configured, or the built-in demo.
func (p *cli) screen(ctx context.Context, args []string) (err error) {
	k := p.kioskCmd("", screenArgs, "usage.screen")
	if err := p.parse(k.fs, args, 0); err != nil {
		return err
	}
	a, err := p.open(*k.cfg, *k.demo, true, &k.ov, app.ModeScreen)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	return a.Screen(ctx)
}

// headless runs the desk without a screen: camera (or replay) and
// keyboard-wedge lines on standard input in, one JSON line per guest out.
func (p *cli) headless(ctx context.Context, args []string) (err error) {
	k := p.kioskCmd("--headless", headlessArgs, "usage.headless")
	noStdin := k.fs.Bool("no-stdin", false, p.cat.T("flag.headless.no_stdin"))
	duration := k.fs.Duration("for", 0, p.cat.T("flag.watch.for"))
	holder := k.fs.Bool("holder", false, p.cat.T("flag.headless.holder"))
	if err := p.parse(k.fs, args, 0); err != nil {
		return err
	}
	a, err := p.open(*k.cfg, *k.demo, true, &k.ov, app.ModeHeadless)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	o := app.HeadlessOptions{Out: p.env.Stdout, For: *duration, Holder: *holder}
	if !*noStdin {
		o.Wedge = p.env.Stdin
	}
	return a.Headless(ctx, o)
}
