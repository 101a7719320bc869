package main

import (
	"bufio"
	"crypto/ecdh"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/store"
)

// openedContact is one line of the output: the entry and who it was.
type openedContact struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Venue       string    `json:"venue"`
	Name        string    `json:"name"`
	DateOfBirth string    `json:"dob"`
	UVCI        string    `json:"uvci"`
}

// contactsOpen prints one JSON line per entry whose sealed contact
// opens with the key, says on stderr which entries did not open, and fails
// if any did not.
func (c *cli) contactsOpen(fs *flag.FlagSet, args []string) error {
	keyPath := fs.String("key", "", c.cat.T("passctl.flag.contacts_open.key"))
	dbPath := fs.String("db", "", c.cat.T("passctl.flag.contacts_open.db"))
	in := fs.String("in", "", c.cat.T("passctl.flag.contacts_open.in"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	switch {
	case *keyPath == "":
		return command.UsageKey(c.cat, "passctl.required", "-key AUTHORITY.key")
	case (*dbPath == "") == (*in == ""):
		return command.UsageKey(c.cat, "passctl.contacts.source")
	}
	key, err := readAuthorityPrivate(c.cat, *keyPath)
	if err != nil {
		return err
	}

	var src io.Reader
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return command.Errorf(c.cat, "passctl.contacts.read", err)
		}
		defer f.Close()
		src = f
	} else {
		r, err := exportRegister(c.cat, *dbPath)
		if err != nil {
			return err
		}
		defer r.Close()
		src = r
	}

	enc := json.NewEncoder(c.stdout)
	var opened, without int
	var failed []string
	sc := bufio.NewScanner(src)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var en entry.Entry
		if err := json.Unmarshal(sc.Bytes(), &en); err != nil {
			return command.Errorf(c.cat, "passctl.contacts.not_entry", line, err)
		}
		if len(en.Contact) == 0 {
			without++
			continue
		}
		who, err := entry.Open(en.Contact, key)
		if err != nil {
			failed = append(failed, en.ID)
			continue
		}
		if err := enc.Encode(openedContact{en.ID, en.Time, en.Venue, who.Name, who.DateOfBirth, who.UVCI}); err != nil {
			return err
		}
		opened++
	}
	if err := sc.Err(); err != nil {
		return command.Errorf(c.cat, "passctl.contacts.read", err)
	}
	fmt.Fprintln(c.stderr, c.cat.T("passctl.contacts.opened", opened, without))
	if len(failed) > 0 {
		for _, id := range failed {
			fmt.Fprintln(c.stderr, c.cat.T("passctl.contacts.not_opened", id))
		}
		return command.Errorf(c.cat, "passctl.contacts.failed", len(failed))
	}
	return nil
}

// readAuthorityPrivate reads the X25519 private key written by
// keygen-authority.
func readAuthorityPrivate(cat *i18n.Catalog, path string) (*ecdh.PrivateKey, error) {
	der, err := pemfile.Read(path, "PRIVATE KEY")
	if err != nil {
		return nil, command.Errorf(cat, "passctl.key.authority", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, command.Errorf(cat, "passctl.key.authority_file", path, err)
	}
	priv, ok := k.(*ecdh.PrivateKey)
	if !ok || priv.Curve() != ecdh.X25519() {
		return nil, command.Errorf(cat, "passctl.key.authority_file_not_x25519", path)
	}
	return priv, nil
}

// exportRegister streams a register's entries as JSON lines. It does not
// make a register where there is none.
func exportRegister(cat *i18n.Catalog, path string) (io.ReadCloser, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, command.Errorf(cat, "passctl.contacts.no_register", path)
	}
	db, err := store.Open(store.Options{Path: path})
	if err != nil {
		return nil, command.Errorf(cat, "passctl.contacts.open_register", path, err)
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := db.Export(pw, time.Time{}, "jsonl")
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		pw.CloseWithError(err)
	}()
	return &exportReader{pr, done}, nil
}

// exportReader is the reading end of an export; Close returns once the
// register is closed.
type exportReader struct {
	*io.PipeReader
	done chan struct{}
}

func (r *exportReader) Close() error {
	r.PipeReader.Close() // an export still writing stops
	<-r.done
	return nil
}
