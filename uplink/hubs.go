package uplink

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// Several hubs: the kiosk's [hub] url may name more than one passhub
// replica. A request goes to the hub that answered last; on a connection
// failure or a 503 it moves on to the next, after a short random wait (so
// a fleet does not move in step), until one answers or all were tried. No
// load balancer is needed; one may still stand in front.

// hubJitter bounds the random wait before trying the next hub.
const hubJitter = 250 * time.Millisecond

// hubs splits Options.Hub: URLs separated by commas or spaces.
func hubs(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		out = append(out, strings.TrimRight(f, "/"))
	}
	return out
}

// send makes a request to the hubs in turn, from the one in use: path is
// under the hub's base URL, body is sent as is (nil for none), prepare
// sets headers. It returns the first answer that is not a 503, else the
// last 503 or the last error.
func (u *Uplink) send(ctx context.Context, method, path string, body []byte, prepare func(*http.Request)) (*http.Response, error) {
	u.mu.Lock()
	first := u.hub
	u.mu.Unlock()
	n := len(u.hubs)
	var lastErr error
	for i := range n {
		at := (first + i) % n
		if i > 0 {
			u.mu.Lock()
			wait := time.Duration(u.rnd.Int64N(int64(hubJitter)))
			u.mu.Unlock()
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-u.o.After(wait):
			}
		}
		var rd io.Reader // nil, not a nil *bytes.Reader, when there is no body
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, u.hubs[at]+path, rd)
		if err != nil {
			return nil, err
		}
		if prepare != nil {
			prepare(req)
		}
		resp, err := u.o.Client.Do(req)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case err != nil:
			lastErr = err
		case resp.StatusCode == http.StatusServiceUnavailable && i < n-1:
			resp.Body.Close()
			lastErr = &RetryAfterError{Status: resp.StatusCode}
		default:
			u.mu.Lock()
			if u.hub != at {
				u.o.Log.Info("hub changed", "hub", u.hubs[at])
			}
			u.hub = at
			if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
				u.state.HubDate, u.state.HubDateAt = d, u.o.Now()
			}
			u.mu.Unlock()
			return resp, err
		}
		if n > 1 {
			u.o.Log.Debug("hub unreachable, trying the next", "hub", u.hubs[at], "err", lastErr)
		}
	}
	if lastErr == nil {
		lastErr = errors.New("no hub")
	}
	return nil, lastErr
}
