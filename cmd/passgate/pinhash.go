package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/pin"
)

// pinHash runs `passgate pin-hash`: it reads a PIN (twice, without echo,
// from a terminal; else one line of standard input) and prints the
// argon2id hash to paste into a [[staff]] pin_hash of the configuration.
// Surrounding spaces are not part of the PIN.
func (p *cli) pinHash(_ context.Context, args []string) error {
	e, c := p.env, p.cat
	fl := p.flags("pin-hash", "(then type the PIN, or: echo PIN | passgate pin-hash)", "usage.pin-hash")
	if err := p.parse(fl, args, 0); err != nil {
		return err
	}
	fail := func(msg string) error { return command.Usagef("%s", msg) }
	var typed string
	if f, ok := e.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		read := func(prompt string) (string, error) {
			fmt.Fprint(e.Stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.Stderr)
			return strings.TrimSpace(string(b)), err
		}
		var err error
		if typed, err = read(c.T("pinhash.prompt")); err != nil {
			return fail(c.T("pinhash.read", err))
		}
		again, err := read(c.T("pinhash.again"))
		if err != nil {
			return fail(c.T("pinhash.read", err))
		}
		if again != typed {
			return fail(c.T("pinhash.mismatch"))
		}
	} else {
		line, err := bufio.NewReader(e.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fail(c.T("pinhash.read", err))
		}
		typed = strings.TrimSpace(line)
	}
	if n := utf8.RuneCountInString(typed); n < pin.MinLen || n > pin.MaxLen {
		return fail(c.T("pinhash.length", pin.MinLen, pin.MaxLen))
	}
	h, err := pin.Hash(typed, rand.Reader)
	if err != nil {
		return fail(err.Error())
	}
	fmt.Fprintln(e.Stdout, h)
	return nil
}
