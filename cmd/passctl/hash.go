package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/verify"
)

// hash prints `TYPE HEX` lines, the input format of bundle revocations.
func (c *cli) hash(fs *flag.FlagSet, args []string) error {
	only := fs.String("type", "", c.cat.T("passctl.flag.hash.type"))
	if err := command.Parse(c.cat, fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return command.UsageKey(c.cat, "passctl.hash.no_pass")
	}
	text := fs.Arg(0)
	if !strings.HasPrefix(text, verify.Prefix) {
		b, err := os.ReadFile(text)
		if err != nil {
			return command.Errorf(c.cat, "passctl.hash.read", err)
		}
		text = strings.TrimSpace(string(b))
	}
	u, err := verify.Decode(text)
	if err != nil {
		return command.Errorf(c.cat, "passctl.hash.decode", err)
	}
	all := verify.HashTypes()
	types := all[:]
	if *only != "" {
		t, err := verify.ParseHashType(*only)
		if err != nil {
			return command.Usagef("-type: %v", err)
		}
		types = []verify.HashType{t}
	}
	for _, t := range types {
		if h, ok := u.RevocationHash(t); ok {
			fmt.Fprintf(c.stdout, "%s %s\n", t, hex.EncodeToString(h[:]))
		}
	}
	return nil
}
