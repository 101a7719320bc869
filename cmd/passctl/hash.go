package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/passgate/passgate/verify"
)

func init() {
	commands["hash"] = command{"print a pass's revocation hashes (to revoke it in a bundle)", runHash}
}

// runHash prints `TYPE HEX` lines, the input format of bundle revocations.
func runHash(e *env, args []string) error {
	fs := newFlags(e, "hash", "[-type UCI|COUNTRYCODEUCI|SIGNATURE] (PASSFILE | HC1:...)")
	only := fs.String("type", "", "print only this hash type (default: all three)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give one pass (a file holding HC1 text, or the text)", errUsage)
	}
	text := fs.Arg(0)
	if !strings.HasPrefix(text, verify.Prefix) {
		b, err := os.ReadFile(text)
		if err != nil {
			return err
		}
		text = strings.TrimSpace(string(b))
	}
	u, err := verify.Decode(text)
	if err != nil {
		return fmt.Errorf("decode pass: %w", err)
	}
	all := verify.HashTypes()
	types := all[:]
	if *only != "" {
		t, err := verify.ParseHashType(*only)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		types = []verify.HashType{t}
	}
	for _, t := range types {
		if h, ok := u.RevocationHash(t); ok {
			fmt.Fprintf(e.stdout, "%s %s\n", t, hex.EncodeToString(h[:]))
		}
	}
	return nil
}
