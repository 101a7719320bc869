package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/passgate/passgate/internal/atomicfile"
	"github.com/passgate/passgate/internal/command"
)

// venueSecretLen is the size of a venue secret passctl makes.
const venueSecretLen = 32

// venueSecret writes a new venue pseudonym secret to FILE (base64, mode
// 0600), for [venue] secret_file on each door of a multi-door venue: the
// doors then give a guest the same holder pseudonym. It is copied to the
// doors at install, as the kiosk tokens are; whoever holds it and a pass
// can tell that pass's pseudonym, so it stays off the hub.
func (c *cli) venueSecret(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", c.cat.T("passctl.flag.venue_secret.out"))
	force := fs.Bool("force", false, c.cat.T("passctl.flag.force"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return command.UsageKey(c.cat, "passctl.required", "-out FILE")
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return command.Errorf(c.cat, "passctl.venue_secret.exists", *out)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return command.Errorf(c.cat, "passctl.venue_secret.write", *out, err)
	}
	secret := make([]byte, venueSecretLen)
	rand.Read(secret) // never fails (crypto/rand)
	text := base64.StdEncoding.EncodeToString(secret) + "\n"
	if err := atomicfile.Write(*out, []byte(text), 0o600); err != nil {
		return command.Errorf(c.cat, "passctl.venue_secret.write", *out, err)
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.venue_secret.wrote", *out))
	return nil
}
