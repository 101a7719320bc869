package adminsock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// ErrNoServer: nothing answers on the socket (no hub runs, or one that
// crashed left it behind).
var ErrNoServer = errors.New("no running hub answers on the admin socket")

// maxLine caps one line of a stream: an entry is a few KiB at most.
const maxLine = 1 << 20

// Client is the store of a running hub, reached through its admin socket.
// It is a hub.Store; Close closes the connection, not the store.
type Client struct {
	path   string
	http   *http.Client
	closed atomic.Bool
}

var _ Store = (*Client)(nil)

// Dial connects to the socket at path, and checks that a hub answers.
func Dial(ctx context.Context, path string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("%w (%s): %v", ErrNoServer, path, err)
	}
	conn.Close()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		},
		MaxIdleConns:    4,
		IdleConnTimeout: 30 * time.Second,
	}
	return &Client{path: path, http: &http.Client{Transport: tr}}, nil
}

// Close closes the client's connections; the hub's store stays open. Calls
// after Close fail.
func (c *Client) Close() error {
	c.closed.Store(true)
	c.http.CloseIdleConnections()
	return nil
}

// post sends a call and returns the response, whose body the caller closes.
func (c *Client) post(ctx context.Context, name string, args any) (*http.Response, error) {
	if c.closed.Load() {
		return nil, fmt.Errorf("admin socket %s: %s after Close", c.path, name)
	}
	body, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %s: %w", name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://passhub/v1/"+name, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w (%s): %v", ErrNoServer, c.path, err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
		resp.Body.Close()
		return nil, fmt.Errorf("admin socket: %s: the hub answered %s (a passhub of another version?)", name, resp.Status)
	}
	return resp, nil
}

// invoke calls a method that returns a value into res.
func invoke[R any](ctx context.Context, c *Client, name string, args any) (R, error) {
	var res R
	resp, err := c.post(ctx, name, args)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	var rep reply
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxArgs)).Decode(&rep); err != nil {
		return res, fmt.Errorf("admin socket: %s: reply: %w", name, err)
	}
	if rep.Error != nil {
		return res, rep.Error.err()
	}
	if err := json.Unmarshal(rep.Result, &res); err != nil {
		return res, fmt.Errorf("admin socket: %s: result: %w", name, err)
	}
	return res, nil
}

// each calls a streaming method and fn with each entry it sends.
func (c *Client) each(ctx context.Context, name string, args any, fn func(entry.Entry) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // fn's error stops the hub's side too
	resp, err := c.post(ctx, name, args)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var rep reply
		if err := json.NewDecoder(io.LimitReader(resp.Body, maxArgs)).Decode(&rep); err != nil || rep.Error == nil {
			return fmt.Errorf("admin socket: %s: the hub answered %s", name, resp.Status)
		}
		return rep.Error.err()
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("admin socket: %s: line: %w", name, err)
		}
		switch {
		case l.Error != nil:
			return l.Error.err()
		case l.End:
			return nil
		case l.Entry != nil:
			if err := fn(*l.Entry); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("admin socket: %s: %w", name, err)
	}
	return fmt.Errorf("admin socket: %s: the hub stopped before the end (did it stop?)", name)
}

func (c *Client) PutEntries(ctx context.Context, k hub.Kiosk, entries []entry.Entry) (hub.PutResult, error) {
	return invoke[hub.PutResult](ctx, c, "PutEntries", putArgs{Kiosk: k, Entries: entries})
}

func (c *Client) ExportEntries(ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
	return c.each(ctx, "ExportEntries", timeArgs{Time: since}, fn)
}

func (c *Client) PurgeEntries(ctx context.Context, before time.Time) (int, error) {
	return invoke[int](ctx, c, "PurgeEntries", timeArgs{Time: before})
}

// JSON cannot carry a string that is not UTF-8 (it would arrive with
// U+FFFD in place of the bad bytes, another id), so those are answered here,
// as every store answers them: no such id can be added, found or
// authenticated.

func (c *Client) AddKiosk(ctx context.Context, venue, kiosk string) (string, error) {
	if !utf8.ValidString(venue) || !utf8.ValidString(kiosk) {
		return "", fmt.Errorf("%w: venue %q, kiosk %q: ids must be UTF-8", hub.ErrInvalid, venue, kiosk)
	}
	return invoke[string](ctx, c, "AddKiosk", kioskArgs{Venue: venue, Kiosk: kiosk})
}

func (c *Client) Kiosks(ctx context.Context) ([]hub.Kiosk, error) {
	return invoke[[]hub.Kiosk](ctx, c, "Kiosks", struct{}{})
}

func (c *Client) RevokeKiosk(ctx context.Context, kiosk string) error {
	if !utf8.ValidString(kiosk) {
		return fmt.Errorf("%w: kiosk %q", hub.ErrNotFound, kiosk)
	}
	_, err := invoke[struct{}](ctx, c, "RevokeKiosk", kioskArgs{Kiosk: kiosk})
	return err
}

func (c *Client) Authenticate(ctx context.Context, token string) (hub.Kiosk, error) {
	if !utf8.ValidString(token) {
		return hub.Kiosk{}, hub.ErrUnauthorized
	}
	return invoke[hub.Kiosk](ctx, c, "Authenticate", tokenArgs{Token: token})
}

func (c *Client) PutBundle(ctx context.Context, data []byte, sequence uint64) error {
	_, err := invoke[struct{}](ctx, c, "PutBundle", bundleArgs{Data: data, Sequence: sequence})
	return err
}

func (c *Client) CurrentBundle(ctx context.Context) (*hub.Bundle, error) {
	return invoke[*hub.Bundle](ctx, c, "CurrentBundle", struct{}{})
}

func (c *Client) PutStatus(ctx context.Context, st hub.KioskStatus) error {
	for _, f := range []string{st.Kiosk, st.Venue, st.Version, st.Camera, st.LastError} {
		if !utf8.ValidString(f) {
			return fmt.Errorf("%w: status of kiosk %q: a field is not UTF-8", hub.ErrInvalid, st.Kiosk)
		}
	}
	_, err := invoke[struct{}](ctx, c, "PutStatus", st)
	return err
}

func (c *Client) Statuses(ctx context.Context) ([]hub.KioskStatus, error) {
	return invoke[[]hub.KioskStatus](ctx, c, "Statuses", struct{}{})
}

func (c *Client) QueryEntries(ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
	return c.each(ctx, "QueryEntries", q, fn)
}

func (c *Client) HourlyCounts(ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
	return invoke[[]hub.HourCount](ctx, c, "HourlyCounts", countArgs{Venue: venue, From: from, To: to})
}

func (c *Client) AddAuthority(ctx context.Context, name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: authority %q: names must be UTF-8", hub.ErrInvalid, name)
	}
	return invoke[string](ctx, c, "AddAuthority", nameArgs{Name: name})
}

func (c *Client) Authorities(ctx context.Context) ([]hub.Authority, error) {
	return invoke[[]hub.Authority](ctx, c, "Authorities", struct{}{})
}

func (c *Client) RevokeAuthority(ctx context.Context, name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: authority %q", hub.ErrNotFound, name)
	}
	_, err := invoke[struct{}](ctx, c, "RevokeAuthority", nameArgs{Name: name})
	return err
}

func (c *Client) AuthenticateAuthority(ctx context.Context, token string) (hub.Authority, error) {
	if !utf8.ValidString(token) {
		return hub.Authority{}, hub.ErrUnauthorized
	}
	return invoke[hub.Authority](ctx, c, "AuthenticateAuthority", tokenArgs{Token: token})
}

func (c *Client) AddUser(ctx context.Context, name string, role hub.Role, password string) error {
	if !utf8.ValidString(name) || !utf8.ValidString(password) {
		return fmt.Errorf("%w: user %q: names and passwords must be UTF-8", hub.ErrInvalid, name)
	}
	_, err := invoke[struct{}](ctx, c, "AddUser", userArgs{Name: name, Role: role, Password: password})
	return err
}

func (c *Client) Users(ctx context.Context) ([]hub.User, error) {
	return invoke[[]hub.User](ctx, c, "Users", struct{}{})
}

func (c *Client) RemoveUser(ctx context.Context, name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: user %q", hub.ErrNotFound, name)
	}
	_, err := invoke[struct{}](ctx, c, "RemoveUser", nameArgs{Name: name})
	return err
}

func (c *Client) CheckPassword(ctx context.Context, name, password string) (hub.User, error) {
	if !utf8.ValidString(name) || !utf8.ValidString(password) {
		return hub.User{}, hub.ErrUnauthorized
	}
	return invoke[hub.User](ctx, c, "CheckPassword", userArgs{Name: name, Password: password})
}

func (c *Client) NewSession(ctx context.Context, name string, expires time.Time) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: user %q", hub.ErrNotFound, name)
	}
	return invoke[string](ctx, c, "NewSession", sessionArgs{Name: name, Expires: expires})
}

func (c *Client) Session(ctx context.Context, token string) (hub.User, time.Time, error) {
	if !utf8.ValidString(token) {
		return hub.User{}, time.Time{}, hub.ErrUnauthorized
	}
	r, err := invoke[sessionReply](ctx, c, "Session", tokenArgs{Token: token})
	return r.User, r.Expires, err
}

func (c *Client) EndSession(ctx context.Context, token string) error {
	if !utf8.ValidString(token) {
		return nil
	}
	_, err := invoke[struct{}](ctx, c, "EndSession", tokenArgs{Token: token})
	return err
}
