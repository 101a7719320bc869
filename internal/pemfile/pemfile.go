// Package pemfile reads and writes the PEM files of keys and certificates
// that passctl makes, and reads a key given as text or as a file (ReadKey).
package pemfile

import (
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Read returns the DER of the first PEM block of the given type in a file.
func Read(path, typ string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			return nil, fmt.Errorf("%s: no PEM %s block", path, typ)
		}
		if blk.Type == typ {
			return blk.Bytes, nil
		}
	}
}

// File is one PEM file to write: a private key wants mode 0600.
type File struct {
	Path  string
	Mode  os.FileMode
	Type  string // PEM block type, e.g. "PRIVATE KEY"
	Bytes []byte // DER
}

// Write writes each file as one PEM block. Without force an existing file
// is an error and is left as it was.
func Write(force bool, files ...File) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	for _, f := range files {
		w, err := os.OpenFile(f.Path, flags, f.Mode)
		if err != nil {
			return err
		}
		err = pem.Encode(w, &pem.Block{Type: f.Type, Bytes: f.Bytes})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	return nil
}

// ReadKey reads a key given as a flag or configuration value that is either
// the key itself (base64, or PEM text) or the path of a file holding it:
// the value is parsed first, then read as a file (a relative path from
// dir, "" for the working directory). The one reader of "a key from a file
// or base64" for every binary.
func ReadKey[K any](s, dir string, parse func(string) (K, error)) (K, error) {
	s = strings.TrimSpace(s)
	k, perr := parse(s)
	if perr == nil {
		return k, nil
	}
	p := s
	if dir != "" && !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	b, err := os.ReadFile(p)
	switch {
	case err == nil:
		if k, err = parse(string(b)); err != nil {
			return k, fmt.Errorf("%s: %w", p, err)
		}
		return k, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.EINVAL):
		return k, fmt.Errorf("%q is neither a key file (%v) nor a key (%v)", shorten(s), err, perr)
	}
	return k, fmt.Errorf("reading key file %s: %w", p, err)
}

func shorten(s string) string {
	if len(s) > 48 {
		return s[:45] + "..."
	}
	return s
}
