package adminsock

import (
	"net"
	"os"
	"syscall"
)

// peerChecked accepts only connections from the hub's own user or root:
// the socket's mode says so already, and the kernel's word on the peer
// (SO_PEERCRED) makes sure of it.
func peerChecked(ln net.Listener) net.Listener { return &peerListener{Listener: ln} }

type peerListener struct{ net.Listener }

func (l *peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if allowed(c) {
			return c, nil
		}
		c.Close()
	}
}

func allowed(c net.Conn) bool {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return false
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return false
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil || cerr != nil {
		return false
	}
	return cred.Uid == 0 || int(cred.Uid) == os.Getuid()
}
