// Package pemfile reads and writes the PEM files of keys and certificates
// that passctl makes.
package pemfile

import (
	"encoding/pem"
	"fmt"
	"os"
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
