package web_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/web"
)

var ctx = context.Background()

// kst is where the page shows its hours in these tests: lunchtime in Seoul.
var kst = time.FixedZone("KST", 9*3600)

// t0 is 12:30 in Seoul on 13 December 2021.
var t0 = time.Date(2021, 12, 13, 12, 30, 0, 0, kst)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	adminPW     = "correct horse battery"
	authorityPW = "질병관리청-비밀번호-2021"
)

// openStore is a bbolt store on the clock, with an admin "mina" and an
// authority user "kdca".
func openStore(t testing.TB, c *clock) *hub.Bolt {
	t.Helper()
	st, err := hub.OpenBolt(t.TempDir(), &hub.BoltOptions{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.AddUser(ctx, "mina", hub.RoleAdmin, adminPW); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(ctx, "kdca", hub.RoleAuthority, authorityPW); err != nil {
		t.Fatal(err)
	}
	return st
}

// serve serves the page on st with the options (the clock and zone set)
// and returns its URL.
func serve(t testing.TB, st web.Store, c *clock, opts web.Options) *httptest.Server {
	t.Helper()
	opts.Now = c.Now
	opts.Zone = kst
	h, err := web.New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t    testing.TB
	base string
	http *http.Client
	lang string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, lang: "en", http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request and returns the status, the Location and the body.
func (b *browser) do(req *http.Request) (int, string, string) {
	b.t.Helper()
	req.Header.Set("Accept-Language", b.lang)
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (b *browser) get(path string) (int, string, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// post sends a form, with headers as pairs.
func (b *browser) post(path string, form url.Values, header ...string) (int, string, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the form token on a page.
func csrf(t testing.TB, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field on the page:\n%s", body)
	}
	return m[1]
}

// login signs in and returns the status and the page it lands on.
func (b *browser) login(name, password string) (int, string) {
	b.t.Helper()
	_, _, page := b.get("/login")
	code, loc, body := b.post("/login", url.Values{"csrf": {csrf(b.t, page)}, "name": {name}, "password": {password}})
	if code == http.StatusSeeOther {
		return code, loc
	}
	return code, body
}

// mustLogin signs in and returns the page's body.
func (b *browser) mustLogin(name, password string) string {
	b.t.Helper()
	if code, where := b.login(name, password); code != http.StatusSeeOther || where != "/" {
		b.t.Fatalf("login as %s: %d %s", name, code, where)
	}
	code, _, body := b.get("/")
	if code != http.StatusOK {
		b.t.Fatalf("GET / after login: %d\n%s", code, body)
	}
	return body
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// fleetKiosk is a kiosk of the fixture, and what the page must say of it.
type fleetKiosk struct {
	venue, kiosk string
	seen         time.Duration // before t0; <0: never reported
	bundle       uint64
	waiting      int
	revoked      bool
	state        string
}

var fixtureFleet = []fleetKiosk{
	{"seoul-city-hall", "kiosk-1", 2 * time.Minute, 7, 0, false, "online"},
	{"seoul-city-hall", "kiosk-2", 30 * time.Second, 6, 12, false, "online"},
	{"seoul-city-hall", "kiosk-3", 3 * time.Hour, 7, 140, false, "stale"},
	{"busan-market", "kiosk-4", 3 * 24 * time.Hour, 5, 900, false, "offline"},
	{"busan-market", "kiosk-5", -1, 0, 0, false, "never"},
	{"daegu-library", "kiosk-6", time.Minute, 7, 0, true, "revoked"},
}

// lunch is the check-ins per hour (KST) of the fixture's venues on 13
// December 2021: a peak at 12:00.
var lunch = map[string]map[int]int{
	"seoul-city-hall": {8: 3, 9: 5, 10: 6, 11: 18, 12: 31, 13: 22, 14: 7, 17: 4, 18: 9},
	"busan-market":    {10: 2, 11: 9, 12: 14, 13: 11, 15: 3},
	"daegu-library":   {9: 1, 12: 4, 16: 2},
}

// seedFleet adds the fixture's kiosks, their reports and entries to st,
// and returns the kiosks' tokens. The published bundle is sequence 7.
func seedFleet(t testing.TB, st *hub.Bolt) map[string]string {
	t.Helper()
	tokens := map[string]string{}
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{7}))
	for _, f := range fixtureFleet {
		tok, err := st.AddKiosk(ctx, f.venue, f.kiosk)
		if err != nil {
			t.Fatal(err)
		}
		tokens[f.kiosk] = tok
		if f.seen >= 0 {
			seen := t0.Add(-f.seen)
			s := hub.KioskStatus{Kiosk: f.kiosk, Venue: f.venue, Seen: seen, Clock: seen, BundleSequence: f.bundle,
				Waiting: f.waiting, Version: "1.4.0", Camera: "ok"}
			if f.waiting > 0 {
				s.OldestWaiting = seen.Add(-time.Hour)
			}
			if err := st.PutStatus(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	day := time.Date(2021, 12, 13, 0, 0, 0, 0, kst)
	for venue, hours := range lunch {
		k := hub.Kiosk{Venue: venue}
		for _, f := range fixtureFleet {
			if f.venue == venue {
				k.ID = f.kiosk
				break
			}
		}
		var es []entry.Entry
		for h, n := range hours {
			for i := range n {
				at := day.Add(time.Duration(h)*time.Hour + time.Duration(i)*time.Minute)
				id, err := ids.New(at)
				if err != nil {
					t.Fatal(err)
				}
				es = append(es, entry.Entry{ID: id, Time: at, Venue: venue, Kiosk: k.ID, Method: entry.Camera,
					Outcome: entry.Admitted, Format: "eu-dcc", Type: "v", Country: "KR", Holder: strings.Repeat("ab", 32)})
			}
		}
		if _, err := st.PutEntries(ctx, k, es); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range fixtureFleet {
		if f.revoked {
			if err := st.RevokeKiosk(ctx, f.kiosk); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.PutBundle(ctx, []byte("bundle seven"), 7); err != nil {
		t.Fatal(err)
	}
	return tokens
}
