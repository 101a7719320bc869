package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/command"
)

// init runs `passgate init`: it writes the commented sample configuration
// (config.Sample) where passgate will find it, without overwriting a file
// unless --force is given.
func (p *cli) init(_ context.Context, args []string) error {
	e, c := p.env, p.cat
	def := config.Paths(e.Getenv)[0]
	fl := p.flags("init", "[--out FILE] [--force]", "usage.init")
	out := fl.String("out", def, c.T("flag.init.out"))
	force := fl.Bool("force", false, c.T("flag.init.force"))
	if err := p.parse(fl, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return p.usage(fl, c.T("init.no_out"))
	}
	if *out == "-" {
		_, _ = io.WriteString(e.Stdout, config.Sample())
		return nil
	}
	if err := writeSample(*out, *force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return command.Usagef("%s", c.T("init.exists", *out))
		}
		return command.Usagef("%s", c.T("init.write", *out, err))
	}
	fmt.Fprintln(e.Stdout, c.T("init.wrote", *out))
	return nil
}

// writeSample writes the sample with mode 0600 (the file will hold PIN
// hashes and paths to secrets), creating its directory.
func writeSample(path string, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	mode := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		mode = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, mode, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, config.Sample()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
