package cli

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/passgate/passgate/internal/pin"
)

// PINHash runs `passgate pin-hash`: it reads a PIN (twice, without echo,
// from a terminal; else one line of standard input) and prints the
// argon2id hash to paste into a [[staff]] pin_hash of the configuration.
// Surrounding spaces are not part of the PIN.
func PINHash(e *Env, args []string) int {
	c, _ := catalog(e, "")
	fl := newFlags(e, "pin-hash", "(then type the PIN, or: echo PIN | passgate pin-hash)")
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	if fl.NArg() != 0 {
		fl.Usage()
		return ExitUsage
	}
	fail := func(msg string) int {
		fmt.Fprintln(e.Stderr, "passgate pin-hash:", msg)
		return ExitUsage
	}
	var p string
	if f, ok := e.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		read := func(prompt string) (string, error) {
			fmt.Fprint(e.Stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.Stderr)
			return strings.TrimSpace(string(b)), err
		}
		var err error
		if p, err = read(c.T("pinhash.prompt")); err != nil {
			return fail(c.T("pinhash.read", err))
		}
		again, err := read(c.T("pinhash.again"))
		if err != nil {
			return fail(c.T("pinhash.read", err))
		}
		if again != p {
			return fail(c.T("pinhash.mismatch"))
		}
	} else {
		line, err := bufio.NewReader(e.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fail(c.T("pinhash.read", err))
		}
		p = strings.TrimSpace(line)
	}
	if n := utf8.RuneCountInString(p); n < pin.MinLen || n > pin.MaxLen {
		return fail(c.T("pinhash.length", pin.MinLen, pin.MaxLen))
	}
	h, err := pin.Hash(p, rand.Reader)
	if err != nil {
		return fail(err.Error())
	}
	fmt.Fprintln(e.Stdout, h)
	return ExitOK
}
