package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/hub/web"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestPostgresReplicas: two replicas, each its own store on one
// PostgreSQL database. A session made through one works on the other; a
// kiosk added through one and revoked through the other is refused by the
// first at once; a logout through either ends the session on both.
func TestPostgresReplicas(t *testing.T) {
	dbURL := pgtest.Database(t)
	c := &clock{now: t0}
	open := func() *pgstore.Store {
		st, err := pgstore.Open(ctx, dbURL, &pgstore.Options{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()
	if err := a.AddUser(ctx, "mina", hub.RoleAdmin, adminPW); err != nil {
		t.Fatal(err)
	}
	// Replica one serves the API and the page; replica two the page.
	api, err := hub.NewServer(a, hub.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api.Now = c.Now
	pageA, err := web.New(a, web.Options{Now: c.Now, Zone: kst})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("/", pageA)
	one := httptest.NewServer(mux)
	defer one.Close()
	two := serve(t, b, c, web.Options{})

	b1 := newBrowser(t, one.URL)
	page := b1.mustLogin("mina", adminPW)
	code, _, body := b1.post("/kiosks", url.Values{"csrf": {csrf(t, page)}, "venue": {"seoul-city-hall"}, "kiosk": {"kiosk-1"}})
	token := between(body, `<code id="new-token">`, `</code>`)
	if code != http.StatusOK || token == "" {
		t.Fatalf("add through replica one: %d\n%s", code, body)
	}
	if code := push(t, one.URL, token, "seoul-city-hall", "kiosk-1"); code != http.StatusOK {
		t.Fatalf("kiosk-1's push before the revocation: %d", code)
	}

	b2 := newBrowser(t, two.URL)
	u, _ := url.Parse(two.URL)
	session := b1.cookie("passhub_session")
	b2.http.Jar.SetCookies(u, []*http.Cookie{session})
	code, _, page = b2.get("/")
	if code != http.StatusOK || !strings.Contains(page, `data-kiosk="kiosk-1"`) {
		t.Fatalf("replica one's session on replica two: %d\n%s", code, page)
	}
	if code, _, _ := b2.post("/kiosks/revoke", url.Values{"csrf": {csrf(t, page)}, "kiosk": {"kiosk-1"}}); code != http.StatusSeeOther {
		t.Fatalf("revoke through replica two: %d", code)
	}
	if code := push(t, one.URL, token, "seoul-city-hall", "kiosk-1"); code != http.StatusUnauthorized {
		t.Errorf("kiosk-1's push to replica one after the revocation on two: %d, want 401", code)
	}

	if code, _, _ := b2.post("/logout", url.Values{"csrf": {csrf(t, page)}}); code != http.StatusSeeOther {
		t.Errorf("logout through replica two: %d", code)
	}
	if code, loc, _ := b1.get("/"); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("replica one after the logout on two: %d to %q, want 303 to /login", code, loc)
	}
	if _, _, err := a.Session(ctx, session.Value); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("the session in the database after logout: %v", err)
	}
}
