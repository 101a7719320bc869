// Command passctl is the issuer and operator tool of passgate: bundle-signing
// keys, signed trust bundles, and test certificates and passes.
//
// commands is its command table; the work of each command lives in the
// file named after it. Every message comes from the catalogs
// (assets/i18n/passctl.LANG.toml), in the language of the locale.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

// env is what the process gives a command: its output streams, the clock
// and the environment (for the locale), so tests run commands in-process.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
}

// cli is one run of passctl: the process's env and the catalog of the
// locale's language.
type cli struct {
	*env
	cat *i18n.Catalog
}

func main() {
	e := &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now, getenv: os.Getenv}
	os.Exit(run(e, os.Args[1:]))
}

// run runs the command line and returns the exit status: 0 ok, 1 failed,
// 2 a usage or setup error.
func run(e *env, args []string) int {
	cat, err := i18n.New(i18n.FromLocale(e.getenv))
	if err != nil {
		fmt.Fprintf(e.stderr, "passctl: %v\n", err)
		return command.ExitUsage
	}
	c := &cli{env: e, cat: cat}
	t := &command.Table{
		Program:  "passctl",
		About:    "passctl.about",
		Commands: c.commands(),
		Cat:      cat,
		Stdout:   e.stdout,
		Stderr:   e.stderr,
	}
	return t.Run(context.Background(), args)
}

// commands is passctl's command table, in the order of an issuer's work.
func (c *cli) commands() []command.Command {
	return []command.Command{
		c.cmd("keygen", "-out PREFIX [-force]", "passctl.keygen.summary", c.keygen),
		c.cmd("venue-secret", "-out FILE [-force]", "passctl.venue_secret.summary", c.venueSecret),
		c.cmd("keygen-authority", "-out PREFIX [-force]", "passctl.keygen_authority.summary", c.keygenAuthority),
		c.cmd("cert csca", "-out PREFIX [-country CC] [-not-before TIME] [-not-after TIME] [-force]", "passctl.cert.csca_summary", c.certCSCA),
		c.cmd("cert dsc", "-ca PREFIX -out PREFIX [-alg ES256|PS256] [-types v,t,r] [flags]", "passctl.cert.dsc_summary", c.certDSC),
		c.cmd("issue", "-dsc PREFIX -family NAME [-type vaccination|test|recovery] [flags]", "passctl.issue.summary", c.issue),
		c.cmd("hash", "[-type UCI|COUNTRYCODEUCI|SIGNATURE] (PASSFILE | HC1:...)", "passctl.hash.summary", c.hash),
		c.cmd("bundle build", "-key SIGNING.key -seq N -out FILE [flags]", "passctl.bundle.build_summary", c.bundleBuild),
		c.cmd("bundle inspect", "[-key PUB] [-json] FILE", "passctl.bundle.inspect_summary", c.bundleInspect),
		c.cmd("contacts open", "-key AUTHORITY.key (-db REGISTER | -in EXPORT.jsonl)", "passctl.contacts.open_summary", c.contactsOpen),
		c.cmd("certlogic eval", "[--jsonl] [EXPR DATA]", "passctl.certlogic.eval_summary", c.certlogicEval),
		c.cmd("rules import", "-out POLICY.json [-preset NAME | -policy PATH] [-country CC] [-valuesets PATH] RULES...", "passctl.policy.import_summary", c.rulesImport),
		c.cmd("rules test", "[--json] DIR...", "passctl.rules.test_summary", c.rulesTest),
		c.cmd("frames", "-out DIR [-door KINDS] [-seed N] [-count N] [-passes DIR] [-shared DIR] [-y4m FILE [-y4m-size WxH] [-fps N]]", "passctl.frames.summary", c.frames),
	}
}

// cmd makes an entry of the table; its run gets the command's flag set,
// and -h prints the command's help.
func (c *cli) cmd(name, args, summary string, run func(fs *flag.FlagSet, args []string) error) command.Command {
	return command.WithFlags(c.cat, c.stdout, "passctl", command.Command{Name: name, Args: args, Summary: summary},
		func(_ context.Context, fs *flag.FlagSet, args []string) error { return run(fs, args) })
}
