package web_test

import (
	"context"
	crand "crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/web"
)

// chromium finds Debian's Chromium, or skips the test (fails it with
// PASSGATE_REQUIRE_BROWSER=1).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("PASSGATE_REQUIRE_BROWSER") == "1" {
		t.Fatal("no chromium, and PASSGATE_REQUIRE_BROWSER=1: install Debian's chromium (apt-get install chromium)")
	}
	t.Skip("no chromium: install Debian's chromium (apt-get install chromium) to run the browser test")
	return ""
}

// screenshotDir is where the screenshots go: $PASSGATE_SCREENSHOTS when
// set, else the test's temporary folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("PASSGATE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shownRow is a row of the fleet table as the browser shows it.
type shownRow struct {
	Kiosk   string `json:"kiosk"`
	Venue   string `json:"venue"`
	State   string `json:"state"`
	Bundle  uint64 `json:"bundle"`
	Waiting int    `json:"waiting"`
}

const readTable = `Array.from(document.querySelectorAll('#kiosks tbody tr[data-kiosk]')).map(tr => ({
	kiosk: tr.querySelector('td.kiosk').textContent.trim(),
	venue: tr.querySelector('td.venue').textContent.trim(),
	state: tr.querySelector('.badge').dataset.state,
	bundle: Number(tr.querySelector('td.bundle').dataset.sequence),
	waiting: Number(tr.querySelector('td.waiting').dataset.waiting),
}))`

// TestBrowser drives Debian's Chromium headless through the page served
// with the hub's API: it logs in, checks the kiosk table against the
// store, revokes a kiosk and sees its next push refused, and saves
// screenshots (the log says where).
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	c := &clock{now: t0}
	st := openStore(t, c)
	tokens := seedFleet(t, st)
	api, err := hub.NewServer(st, hub.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api.Now = c.Now
	page, err := web.New(st, web.Options{Now: c.Now, Zone: kst})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("/", page)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // root in CI; the page is our own
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 1400),
		chromedp.Flag("lang", "en-US"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	dir := screenshotDir(t)
	err = chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("name"), "mina"),
		chromedp.SendKeys(chromedp.ID("password"), adminPW),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("kiosks")),
	)
	if err != nil {
		t.Fatalf("log in: %v", err)
	}
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]shownRow](readTable))
	if err != nil {
		t.Fatalf("read the table: %v", err)
	}
	checkTable(t, st, c, rows)
	before, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}

	// Revoke kiosk-1 with its row's button.
	err = chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`button[name="revoke"][value="kiosk-1"]`)),
		chromedp.WaitVisible(chromedp.ID("revoked")),
	)
	if err != nil {
		t.Fatalf("revoke kiosk-1: %v", err)
	}
	notice, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("revoked")))
	if err != nil {
		t.Fatal(err)
	}
	if rows, err = chromedp.Run(bctx, chromedp.Evaluate[[]shownRow](readTable)); err != nil {
		t.Fatalf("read the table: %v", err)
	}
	after, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !strings.Contains(notice, "kiosk-1") {
		t.Errorf("the notice after revoking: %q", notice)
	}
	checkTable(t, st, c, rows)
	i := slices.IndexFunc(rows, func(r shownRow) bool { return r.Kiosk == "kiosk-1" })
	if i < 0 || rows[i].State != "revoked" {
		t.Errorf("kiosk-1 after the revocation: %+v", rows)
	}

	// Its next push is refused; another kiosk's still goes in.
	if code := push(t, srv.URL, tokens["kiosk-1"], "seoul-city-hall", "kiosk-1"); code != http.StatusUnauthorized {
		t.Errorf("kiosk-1's push after the revocation: %d, want 401", code)
	}
	if code := push(t, srv.URL, tokens["kiosk-2"], "seoul-city-hall", "kiosk-2"); code != http.StatusOK {
		t.Errorf("kiosk-2's push: %d, want 200", code)
	}

	// The same page in Korean, by the switch.
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/?lang=ko"), chromedp.WaitVisible(chromedp.ID("kiosks"))); err != nil {
		t.Fatalf("the page in Korean: %v", err)
	}
	heading, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.querySelector('#fleet h2').textContent`))
	if err != nil || heading != "ko 키오스크" {
		t.Errorf("the Korean page's language and fleet heading: %q, %v", heading, err)
	}
	korean, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}

	for name, png := range map[string][]byte{"operator-page.png": before, "operator-page-revoked.png": after, "operator-page-ko.png": korean} {
		if len(png) < 1000 || string(png[1:4]) != "PNG" {
			t.Errorf("%s: not a PNG (%d bytes)", name, len(png))
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d bytes)", p, len(png))
	}
}

// checkTable compares the table the browser shows with the store.
func checkTable(t *testing.T, st *hub.Bolt, c *clock, rows []shownRow) {
	t.Helper()
	ks, err := st.Kiosks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := st.Statuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ks) {
		t.Errorf("the table has %d kiosks, the store %d: %+v", len(rows), len(ks), rows)
	}
	for _, k := range ks {
		i := slices.IndexFunc(rows, func(r shownRow) bool { return r.Kiosk == k.ID })
		if i < 0 {
			t.Errorf("kiosk %s is not in the table", k.ID)
			continue
		}
		want := shownRow{Kiosk: k.ID, Venue: k.Venue, State: "never"}
		if j := slices.IndexFunc(ss, func(s hub.KioskStatus) bool { return s.Kiosk == k.ID }); j >= 0 {
			s := ss[j]
			want.Bundle, want.Waiting = s.BundleSequence, s.Waiting
			switch ago := c.Now().Sub(s.Seen); {
			case ago < 10*time.Minute:
				want.State = "online"
			case ago < 24*time.Hour:
				want.State = "stale"
			default:
				want.State = "offline"
			}
		}
		if !k.Revoked.IsZero() {
			want.State = "revoked"
		}
		if rows[i] != want {
			t.Errorf("row of %s: %+v, the store says %+v", k.ID, rows[i], want)
		}
	}
}

// push sends one entry of the kiosk with its token and returns the status.
func push(t *testing.T, base, token, venue, kiosk string) int {
	t.Helper()
	at := t0.Add(time.Second)
	id, err := entry.NewIDs(crand.Reader).New(at)
	if err != nil {
		t.Fatal(err)
	}
	e := entry.Entry{ID: id, Time: at, Venue: venue, Kiosk: kiosk, Method: entry.Camera, Outcome: entry.Admitted,
		Format: "eu-dcc", Type: "v", Country: "KR", Holder: strings.Repeat("cd", 32)}
	body, _ := json.Marshal(entry.Batch{Entries: []entry.Entry{e}})
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/entries", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
