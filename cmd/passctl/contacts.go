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
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/store"
)

func init() {
	commands["contacts"] = command{"open the contact details sealed in entries, with the health authority's key (contacts open -h)", runContacts}
}

func runContacts(e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "open":
			return runContactsOpen(e, args[1:])
		case "-h", "-help", "--help", "help":
			fmt.Fprintln(e.stderr, "Usage: passctl contacts open -key AUTHORITY.key (-db REGISTER | -in EXPORT.jsonl)")
			return flag.ErrHelp
		}
	}
	return fmt.Errorf("%w: passctl contacts open -key AUTHORITY.key (-db REGISTER | -in EXPORT.jsonl)", errUsage)
}

// openedContact is one line of the output: the entry and who it was.
type openedContact struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Venue       string    `json:"venue"`
	Name        string    `json:"name"`
	DateOfBirth string    `json:"dob"`
	UVCI        string    `json:"uvci"`
}

// runContactsOpen prints one JSON line per entry whose sealed contact
// opens with the key, says on stderr which entries did not open, and fails
// if any did not.
func runContactsOpen(e *env, args []string) error {
	fs := newFlags(e, "contacts open", "-key AUTHORITY.key (-db REGISTER | -in EXPORT.jsonl)")
	keyPath := fs.String("key", "", "the health authority's X25519 private key (from passctl keygen-authority)")
	dbPath := fs.String("db", "", "read the entries of a kiosk's register (the kiosk must be stopped)")
	in := fs.String("in", "", "read entries from a JSON lines export (passgate register export --format jsonl)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *keyPath == "" || fs.NArg() != 0:
		return fmt.Errorf("%w: give -key AUTHORITY.key and -db or -in", errUsage)
	case (*dbPath == "") == (*in == ""):
		return fmt.Errorf("%w: give one of -db REGISTER and -in EXPORT.jsonl", errUsage)
	}
	key, err := readAuthorityPrivate(*keyPath)
	if err != nil {
		return err
	}

	var src io.Reader
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		src = f
	} else {
		r, err := exportRegister(*dbPath)
		if err != nil {
			return err
		}
		defer r.Close()
		src = r
	}

	enc := json.NewEncoder(e.stdout)
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
			return fmt.Errorf("line %d: not an entry: %w", line, err)
		}
		if len(en.Contact) == 0 {
			without++
			continue
		}
		c, err := entry.Open(en.Contact, key)
		if err != nil {
			failed = append(failed, en.ID)
			continue
		}
		if err := enc.Encode(openedContact{en.ID, en.Time, en.Venue, c.Name, c.DateOfBirth, c.UVCI}); err != nil {
			return err
		}
		opened++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read entries: %w", err)
	}
	fmt.Fprintf(e.stderr, "opened %d contacts; %d entries carry none\n", opened, without)
	if len(failed) > 0 {
		for _, id := range failed {
			fmt.Fprintf(e.stderr, "did not open: %s\n", id)
		}
		return fmt.Errorf("%d sealed contacts did not open with this key (another authority's key, or damaged)", len(failed))
	}
	return nil
}

// readAuthorityPrivate reads the X25519 private key written by
// keygen-authority.
func readAuthorityPrivate(path string) (*ecdh.PrivateKey, error) {
	der, err := pemfile.Read(path, "PRIVATE KEY")
	if err != nil {
		return nil, fmt.Errorf("authority key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("authority key %s: %w", path, err)
	}
	priv, ok := k.(*ecdh.PrivateKey)
	if !ok || priv.Curve() != ecdh.X25519() {
		return nil, fmt.Errorf("authority key %s: %T, want X25519 (made by passctl keygen-authority)", path, k)
	}
	return priv, nil
}

// exportRegister streams a register's entries as JSON lines. It does not
// make a register where there is none.
func exportRegister(path string) (io.ReadCloser, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no register at %s", path)
	}
	db, err := store.Open(store.Options{Path: path})
	if err != nil {
		return nil, err
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
