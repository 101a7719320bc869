package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/command"
)

// withUsers runs fn on the store's users. A running hub's admin socket
// does not carry them: then the command says to stop the hub.
func (c *cli) withUsers(ctx context.Context, w *where, fn func(hub.UserStore) error) error {
	return c.withStore(ctx, w, func(st hub.Store) error {
		us, ok := st.(hub.UserStore)
		if !ok {
			return command.Errorf(c.cat, "passhub.user.while_serving")
		}
		return fn(us)
	})
}

func (c *cli) userAdd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	name := fs.String("name", "", c.cat.T("passhub.user.flag_name"))
	role := fs.String("role", "", c.cat.T("passhub.user.flag_role"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		return command.UsageKey(c.cat, "passhub.user.add_required")
	}
	if r := hub.Role(*role); r != hub.RoleAdmin && r != hub.RoleAuthority {
		return command.UsageKey(c.cat, "passhub.user.bad_role", *role)
	}
	password, err := c.readPassword()
	if err != nil {
		return err
	}
	if n := len([]rune(password)); n < hub.MinPassword || len(password) > hub.MaxPassword {
		return command.Errorf(c.cat, "passhub.user.bad_password", hub.MinPassword, hub.MaxPassword)
	}
	return c.withUsers(ctx, at, func(us hub.UserStore) error {
		err := us.AddUser(ctx, *name, hub.Role(*role), password)
		if errors.Is(err, hub.ErrExists) {
			return command.Errorf(c.cat, "passhub.user.exists", *name)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, c.cat.T("passhub.user.added", *name, c.cat.T("passhub.user.role_"+*role)))
		return nil
	})
}

func (c *cli) userList(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	return c.withUsers(ctx, at, func(us hub.UserStore) error {
		list, err := us.Users(ctx)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(c.stderr, c.cat.T("passhub.user.none"))
			return nil
		}
		rows := [][]string{{c.cat.T("passhub.user.col_name"), c.cat.T("passhub.user.col_role"), c.cat.T("passhub.user.col_added")}}
		for _, u := range list {
			rows = append(rows, []string{u.Name, c.cat.T("passhub.user.role_" + string(u.Role)), u.Added.Format(time.RFC3339)})
		}
		return columns(c.stdout, rows)
	})
}

func (c *cli) userRemove(ctx context.Context, fs *flag.FlagSet, args []string) error {
	at := c.storeFlags(fs)
	name := fs.String("name", "", c.cat.T("passhub.user.flag_name"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *name == "" {
		return command.UsageKey(c.cat, "passhub.required", "--name")
	}
	return c.withUsers(ctx, at, func(us hub.UserStore) error {
		err := us.RemoveUser(ctx, *name)
		if errors.Is(err, hub.ErrNotFound) {
			return command.Errorf(c.cat, "passhub.user.not_found", *name)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, c.cat.T("passhub.user.removed", *name))
		return nil
	})
}

// readPassword reads the new user's password: from the terminal without
// echo, twice, when standard input is one; else the first line of
// standard input (a pipe, a script).
func (c *cli) readPassword() (string, error) {
	in := c.stdin
	if in == nil {
		in = strings.NewReader("")
	}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.stderr, c.cat.T("passhub.user.prompt"))
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", command.Errorf(c.cat, "passhub.user.read", err)
		}
		fmt.Fprint(c.stderr, c.cat.T("passhub.user.prompt_again"))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", command.Errorf(c.cat, "passhub.user.read", err)
		}
		if string(a) != string(b) {
			return "", command.Errorf(c.cat, "passhub.user.mismatch")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(in, hub.MaxPassword+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", command.Errorf(c.cat, "passhub.user.read", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", command.Errorf(c.cat, "passhub.user.no_password")
	}
	return line, nil
}
