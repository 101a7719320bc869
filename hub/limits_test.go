package hub

import (
	"net"
	"testing"
)

// addrConn is a connection from a remote address of the test's choice.
type addrConn struct {
	net.Conn
	remote net.Addr
}

func (c addrConn) RemoteAddr() net.Addr { return c.remote }

// fakeListener hands out the connections it is given.
type fakeListener struct {
	net.Listener
	conns chan net.Conn
}

func (l fakeListener) Accept() (net.Conn, error) { return <-l.conns, nil }

func from(t *testing.T, ip string) net.Conn {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return addrConn{Conn: a, remote: &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}}
}

// TestLimitListener: at most perAddr connections from one address and max
// in all; loopback is not capped per address; a closed connection frees
// its place, once however often it is closed.
func TestLimitListener(t *testing.T) {
	l := newLimitListener(nil, 5, 2)
	var kept []net.Conn
	for i, c := range []struct {
		ip string
		in bool
	}{
		{"192.0.2.1", true}, {"192.0.2.1", true}, {"192.0.2.1", false}, // per address
		{"2001:db8::1", true}, {"127.0.0.1", true}, {"127.0.0.1", true}, // loopback: no cap of its own
		{"192.0.2.2", false}, // 5 open: the cap in all
	} {
		lc := l.admit(from(t, c.ip))
		if (lc != nil) != c.in {
			t.Fatalf("connection %d from %s: admitted %v, want %v", i, c.ip, lc != nil, c.in)
		}
		if lc != nil {
			kept = append(kept, lc)
		}
	}
	if open, _ := l.counts(); open != 5 {
		t.Errorf("%d open, want 5", open)
	}
	kept[0].Close()
	kept[0].Close()
	if open, _ := l.counts(); open != 4 {
		t.Errorf("%d open after one closed twice, want 4", open)
	}
	if l.admit(from(t, "192.0.2.1")) == nil {
		t.Error("192.0.2.1 refused with one of its two closed")
	}
	if l.admit(from(t, "192.0.2.1")) != nil {
		t.Error("192.0.2.1 admitted a third time")
	}

	// Accept closes what it refuses and returns the next it admits.
	conns := make(chan net.Conn, 3)
	fl := newLimitListener(fakeListener{conns: conns}, 10, 1)
	refused := from(t, "198.51.100.7")
	conns <- from(t, "198.51.100.7")
	conns <- refused
	conns <- from(t, "198.51.100.8")
	for _, want := range []string{"198.51.100.7", "198.51.100.8"} {
		c, err := fl.Accept()
		if err != nil || c.RemoteAddr().(*net.TCPAddr).IP.String() != want {
			t.Fatalf("Accept: %v %v, want %s", c, err, want)
		}
	}
	if _, err := refused.Write([]byte("x")); err == nil {
		t.Error("the refused connection is still open")
	}
	if _, n := fl.counts(); n != 1 {
		t.Errorf("%d refused, want 1", n)
	}
}
