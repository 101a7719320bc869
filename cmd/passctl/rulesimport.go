package main

import (
	"flag"
	"fmt"

	"github.com/passgate/passgate/internal/atomicfile"
	"github.com/passgate/passgate/internal/command"
)

// rulesImport runs `passctl rules import`: the rules and value sets of
// each PATH, on top of a preset or a policy, into a policy JSON file that
// `passctl bundle build -policy` signs into a bundle. A rule that fails the
// gateway's constraints or CertLogic's validation is refused with its
// identifier and why, and nothing is written.
func (c *cli) rulesImport(fs *flag.FlagSet, args []string) error {
	var src policySource
	src.register(c.cat, fs)
	out := fs.String("out", "", c.cat.T("passctl.flag.policy.out"))
	if err := command.Parse(c.cat, fs, args, -1); err != nil {
		return err
	}
	if *out == "" {
		return command.UsageKey(c.cat, "passctl.policy.no_out")
	}
	src.rules = append(src.rules, fs.Args()...)
	p, err := src.read(c.cat, c.stderr)
	if err != nil {
		return err
	}
	b, err := p.Marshal()
	if err != nil {
		return fmt.Errorf("policy %s: %w", p.Name, err)
	}
	if err := atomicfile.Write(*out, b, 0o644); err != nil {
		return err
	}
	ids := map[string]bool{}
	for _, r := range p.Rules {
		ids[r.Identifier] = true
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.policy.wrote", *out, p.Name, p.Country, len(p.Rules), len(ids), len(p.ValueSets)))
	return nil
}
