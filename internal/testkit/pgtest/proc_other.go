//go:build !unix

package pgtest

import (
	"errors"
	"syscall"
)

// supported is false: the cluster listens on a Unix socket only.
const supported = false

type proc struct{}

func unprivileged() (proc, error) { return proc{}, errors.New("pgtest needs a Unix system") }

func (proc) attr(bool) *syscall.SysProcAttr { return nil }

func (proc) chown(string) error { return nil }
