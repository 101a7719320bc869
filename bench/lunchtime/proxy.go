package main

import (
	"net"
	"sync"
	"sync/atomic"
)

// proxy forwards TCP connections from a loopback port to a replica. Told
// to stall, it stops forwarding in both directions but keeps every
// connection open and accepts new ones (a network that has gone quiet,
// not one that refuses): what was read is held until it resumes. It dials
// the replica from the client's own address, so the replica sees each
// kiosk as the address it came from (the kiosks use 127.x.y.z of their
// own), not all of them as the proxy.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	gate  chan struct{} // closed while forwarding; open (blocking) while stalled
	conns map[net.Conn]bool
	done  bool

	accepted atomic.Int64 // connections accepted
	dialErrs atomic.Int64 // connections cut because the replica did not answer
	wg       sync.WaitGroup
}

// newProxy listens on a free loopback port and forwards to target.
func newProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target, gate: make(chan struct{}), conns: map[net.Conn]bool{}}
	close(p.gate)
	p.wg.Go(p.serve)
	return p, nil
}

// Addr is where the proxy listens.
func (p *proxy) Addr() string { return p.ln.Addr().String() }

// Stall stops forwarding until Resume.
func (p *proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
		p.gate = make(chan struct{})
	default: // stalled already
	}
}

// Resume forwards again, what was held first.
func (p *proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
	default:
		close(p.gate)
	}
}

// wait blocks while the proxy is stalled; false when it is closed.
func (p *proxy) wait() bool {
	p.mu.Lock()
	g, done := p.gate, p.done
	p.mu.Unlock()
	if done {
		return false
	}
	<-g
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.done
}

// Close stops listening and cuts every connection.
func (p *proxy) Close() error {
	p.mu.Lock()
	p.done = true
	for c := range p.conns {
		c.Close()
	}
	select {
	case <-p.gate:
	default:
		close(p.gate)
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

// track adds c to the connections Close cuts; false when closing.
func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.accepted.Add(1)
		if !p.track(c) {
			return
		}
		p.wg.Go(func() { p.handle(c) })
	}
}

// handle forwards one connection. During a stall even the dial waits: the
// client's connection is open, and nothing comes back on it.
func (p *proxy) handle(c net.Conn) {
	defer p.untrack(c)
	if !p.wait() {
		return
	}
	d := net.Dialer{}
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		d.LocalAddr = &net.TCPAddr{IP: a.IP}
	}
	up, err := d.Dial("tcp", p.target)
	if err != nil {
		// The replica is down: the client sees its connection closed.
		p.dialErrs.Add(1)
		return
	}
	if !p.track(up) {
		return
	}
	defer p.untrack(up)
	var wg sync.WaitGroup
	wg.Go(func() { p.pump(up, c) })
	p.pump(c, up)
	wg.Wait()
}

// pump copies src to dst, holding what it read while the proxy is
// stalled. When either side ends, both are closed, so the other pump
// stops too (HTTP clients never half-close).
func (p *proxy) pump(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.wait() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
