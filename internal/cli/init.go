package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/passgate/passgate/config"
)

// Init runs `passgate init`: it writes the commented sample configuration
// (config.Sample) where passgate will find it, without overwriting a file
// unless --force is given.
func Init(e *Env, args []string) int {
	c, _ := catalog(e, "")
	def := config.Paths(e.Getenv)[0]
	fl := newFlags(e, "init", "[--out FILE] [--force]")
	out := fl.String("out", def, c.T("flag.init.out"))
	force := fl.Bool("force", false, c.T("flag.init.force"))
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	if fl.NArg() != 0 || *out == "" {
		fl.Usage()
		return ExitUsage
	}
	if *out == "-" {
		_, _ = io.WriteString(e.Stdout, config.Sample())
		return ExitOK
	}
	if err := writeSample(*out, *force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			fmt.Fprintln(e.Stderr, "passgate init:", c.T("init.exists", *out))
		} else {
			fmt.Fprintln(e.Stderr, "passgate init:", c.T("init.write", *out, err))
		}
		return ExitUsage
	}
	fmt.Fprintln(e.Stdout, c.T("init.wrote", *out))
	return ExitOK
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
