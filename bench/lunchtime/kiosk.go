package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/uplink"
)

// kiosk is one simulated kiosk: its register, the real uplink syncing it
// with the hubs, and the guests who arrive at it.
type kiosk struct {
	id, venue string
	reg       *register
	up        *uplink.Uplink
	arrive    []time.Duration // from 11:00, in order
	r         *rand.Rand      // what each guest's entry is like
	ids       *entry.IDs
	secret    []byte // the venue's, for holder pseudonyms
	errs      atomic.Int64
}

// names are kiosk i's id and its venue's: two kiosks a venue.
func names(i int) (kiosk, venue string) {
	return fmt.Sprintf("kiosk-%04d", i), fmt.Sprintf("venue-%04d", i/2)
}

// kioskIP is the loopback address kiosk i connects from, so the hub sees
// a fleet, not one client: 127.1.x.y.
func kioskIP(i int) net.IP { return net.IPv4(127, 1, byte(i/250), byte(i%250+1)) }

// newKiosk makes kiosk i of the fleet with its token. hubs lists the
// proxies' URLs; kiosks take them in turns, so each replica is the first
// choice of half the fleet (an operator splitting the fleet over two
// addresses; every kiosk still knows both).
func newKiosk(i int, token string, hubs []string, key ed25519.PublicKey, timeout time.Duration, seed uint64, mean float64, log *slog.Logger) (*kiosk, error) {
	id, venue := names(i)
	order := make([]string, len(hubs))
	for j := range hubs {
		order[j] = hubs[(i+j)%len(hubs)]
	}
	dial := &net.Dialer{LocalAddr: &net.TCPAddr{IP: kioskIP(i)}, Timeout: 10 * time.Second}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: dial.DialContext, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second,
	}}
	reg := newRegister(time.Now)
	up, err := uplink.New(uplink.Options{
		Hub: strings.Join(order, ","), Token: token, BundleKey: key, Client: client,
		Rand: rand.New(rand.NewPCG(seed, uint64(i)<<1|1)), Log: log.With("kiosk", id),
	}, reg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	r := rand.New(rand.NewPCG(seed, uint64(i)<<1))
	var chacha [32]byte
	for j := range 4 {
		v := r.Uint64()
		for b := range 8 {
			chacha[j*8+b] = byte(v >> (8 * b))
		}
	}
	return &kiosk{
		id: id, venue: venue, reg: reg, up: up, arrive: arrivals(r, mean), r: r,
		ids: entry.NewIDs(rand.NewChaCha8(chacha)), secret: []byte("secret of " + venue),
	}, nil
}

// guests records an entry for each arrival at its time on c, reading the
// kiosk's clock (c.at) as the desk does, and asks the uplink to push, as
// the kiosk does after every record. It returns when the last guest came
// or ctx ends.
func (k *kiosk) guests(ctx context.Context, c clock) {
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	for _, off := range k.arrive {
		t.Reset(time.Until(c.real(off)))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		e, err := k.entry(c.at(time.Now()))
		if err == nil {
			err = k.reg.Record(e)
		}
		if err != nil {
			k.errs.Add(1)
			continue
		}
		k.up.Notify()
	}
}

// entry makes the entry of a guest at time now, as checkin's desk does: a
// time-ordered id from the time on the kiosk's clock, that time as the
// entry's, the holder as a pseudonym under the venue's secret. Most
// guests are admitted on a camera scan; some are refused, some are let in
// by staff by hand.
func (k *kiosk) entry(now time.Time) (entry.Entry, error) {
	e := entry.Entry{Time: now.UTC(), Venue: k.venue, Kiosk: k.id, Method: entry.Camera, Outcome: entry.Admitted, Format: "eu-dcc", Country: "KR"}
	switch x := k.r.Float64(); {
	case x < 0.02:
		e.Method, e.Format, e.Country, e.Staff, e.Reason = entry.Manual, "", "", "staff-1", "paper-certificate"
	case x < 0.10:
		e.Method = entry.ScannerDevice
	}
	if e.Method != entry.Manual {
		e.Type = [...]string{"v", "v", "v", "v", "v", "v", "v", "v", "t", "r"}[k.r.IntN(10)]
		e.Holder = entry.Pseudonym(k.secret, fmt.Sprintf("URN:UVCI:01:KR:%016X", k.r.Uint64()))
		if k.r.IntN(100) < 3 {
			e.Outcome, e.Reason = entry.Refused, [...]string{"expired", "revoked", "rule-failed:VR-KR-0001"}[k.r.IntN(3)]
		}
	}
	id, err := k.ids.New(e.Time)
	if err != nil {
		return e, err
	}
	e.ID = id
	return e, nil
}

// counter is a slog.Handler that counts what the fleet's uplinks log:
// failovers ("hub changed", "hub unreachable, trying the next") and failed
// rounds ("sync failed"). 2,000 kiosks' logs would drown the printout.
type counter struct {
	failover, moved, failed, refused atomic.Int64
}

func (c *counter) Enabled(context.Context, slog.Level) bool { return true }
func (c *counter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *counter) WithGroup(string) slog.Handler            { return c }
func (c *counter) Handle(_ context.Context, r slog.Record) error {
	switch r.Message {
	case "hub unreachable, trying the next":
		c.failover.Add(1)
	case "hub changed":
		c.moved.Add(1)
	case "sync failed":
		c.failed.Add(1)
	case "entry refused by the hub":
		c.refused.Add(1)
	}
	return nil
}
