//go:build unix

package pgtest

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

const supported = true

// proc is who runs PostgreSQL's programs: this process's user, or when
// that is root (which initdb and postgres refuse), nobody.
type proc struct{ cred *syscall.Credential }

func unprivileged() (proc, error) {
	if os.Geteuid() != 0 {
		return proc{}, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return proc{}, fmt.Errorf("running as root, so PostgreSQL must run as the user nobody: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return proc{}, fmt.Errorf("user nobody's uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return proc{}, fmt.Errorf("user nobody's gid %q: %w", u.Gid, err)
	}
	return proc{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}, nil
}

func (p proc) attr(session bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: p.cred, Setsid: session}
}

func (p proc) chown(path string) error {
	if p.cred == nil {
		return nil
	}
	return os.Chown(path, int(p.cred.Uid), int(p.cred.Gid))
}
