package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/web"
)

func TestLogin(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)

	if code, loc, _ := b.get("/"); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("GET / signed out: %d to %q, want 303 to /login", code, loc)
	}
	for _, c := range [][2]string{{"mina", authorityPW}, {"mina", ""}, {"nobody", adminPW}, {"MINA", adminPW}} {
		code, body := b.login(c[0], c[1])
		if code != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password.") {
			t.Errorf("login %q/%q: %d, want 401 saying so:\n%s", c[0], c[1], code, body)
		}
		if b.cookie("passhub_session") != nil {
			t.Errorf("login %q/%q set a session cookie", c[0], c[1])
		}
	}
	body := b.mustLogin("mina", adminPW)
	if !strings.Contains(body, "signed in as mina") {
		t.Errorf("the page does not say who is signed in:\n%s", body)
	}
	u, expires, err := st.Session(ctx, b.cookie("passhub_session").Value)
	if err != nil || u.Name != "mina" || !expires.Equal(t0.Add(web.DefaultSessionTTL)) {
		t.Errorf("the cookie's session in the store: %+v until %s, %v; want mina's until %s", u, expires, err, t0.Add(web.DefaultSessionTTL))
	}
}

func TestCookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		c := &clock{now: t0}
		st := openStore(t, c)
		h, err := web.New(st, web.Options{Now: c.Now, Secure: secure})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
		tok := csrf(t, rec.Body.String())
		login := rec.Result().Cookies()[0]
		form := url.Values{"csrf": {tok}, "name": {"mina"}, "password": {adminPW}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(login)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("secure %v: login %d\n%s", secure, rec.Code, rec.Body)
		}
		var set string
		for _, v := range rec.Result().Header.Values("Set-Cookie") {
			if strings.Contains(v, "passhub_session=") {
				set = v
			}
		}
		want := []string{"HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"}
		if secure {
			want = append(want, "__Host-passhub_session=", "Secure")
		}
		for _, w := range want {
			if !strings.Contains(set, w) {
				t.Errorf("secure %v: session cookie %q lacks %s", secure, set, w)
			}
		}
		if !secure && strings.Contains(set, "Secure") {
			t.Errorf("plain HTTP: session cookie %q is Secure (the browser would drop it)", set)
		}
	}
}

func TestCSRF(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)

	// The login form: its token must come with the login cookie's.
	_, _, page := b.get("/login")
	good := csrf(t, page)
	for what, tok := range map[string]string{"no token": "", "a wrong token": good[:len(good)-2] + "xx"} {
		code, _, body := b.post("/login", url.Values{"csrf": {tok}, "name": {"mina"}, "password": {adminPW}})
		if code != http.StatusForbidden || !strings.Contains(body, "Refused") {
			t.Errorf("login with %s: %d, want 403:\n%s", what, code, body)
		}
	}
	if b.cookie("passhub_session") != nil {
		t.Fatal("a login without its token made a session")
	}

	page = b.mustLogin("mina", adminPW)
	tok := csrf(t, page)
	add := func(kiosk, csrf string, header ...string) int {
		code, _, _ := b.post("/kiosks", url.Values{"csrf": {csrf}, "venue": {"venue-1"}, "kiosk": {kiosk}}, header...)
		return code
	}
	cases := []struct {
		what   string
		csrf   string
		header []string
	}{
		{"no token", "", nil},
		{"a wrong token", strings.Repeat("A", len(tok)), nil},
		{"the login form's token", good, nil},
		{"the right token from another site (Sec-Fetch-Site)", tok, []string{"Sec-Fetch-Site", "cross-site"}},
		{"the right token from another origin", tok, []string{"Origin", "https://evil.example"}},
	}
	for _, c := range cases {
		if code := add("kiosk-x", c.csrf, c.header...); code != http.StatusForbidden {
			t.Errorf("add a kiosk with %s: %d, want 403", c.what, code)
		}
	}
	if ks, _ := st.Kiosks(ctx); len(ks) != 0 {
		t.Errorf("refused forms added kiosks %v", ks)
	}
	if code := add("kiosk-1", tok, "Sec-Fetch-Site", "same-origin", "Origin", srv.URL); code != http.StatusOK {
		t.Errorf("add a kiosk with the right token, same origin: %d, want 200", code)
	}
	if ks, _ := st.Kiosks(ctx); len(ks) != 1 {
		t.Errorf("kiosks after the good form: %v", ks)
	}
}

func TestAddRevoke(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)
	tok := csrf(t, b.mustLogin("mina", adminPW))

	code, _, body := b.post("/kiosks", url.Values{"csrf": {tok}, "venue": {"venue-1"}, "kiosk": {"kiosk-1"}})
	if code != http.StatusOK {
		t.Fatalf("add: %d\n%s", code, body)
	}
	token := between(body, `<code id="new-token">`, `</code>`)
	if k, err := st.Authenticate(ctx, token); err != nil || k.ID != "kiosk-1" || k.Venue != "venue-1" {
		t.Fatalf("the token shown (%q) authenticates %+v, %v", token, k, err)
	}
	// Shown once: the page after has no token.
	if _, _, again := b.get("/"); strings.Contains(again, token) {
		t.Error("the token is on the page again")
	}
	for _, c := range []struct {
		venue, kiosk string
		code         int
		says         string
	}{
		{"venue-1", "kiosk-1", http.StatusConflict, "Kiosk kiosk-1 is active"},
		{"venue 1", "kiosk-2", http.StatusBadRequest, "no spaces"},
		{"venue-1", "", http.StatusBadRequest, "no spaces"},
	} {
		code, _, body := b.post("/kiosks", url.Values{"csrf": {tok}, "venue": {c.venue}, "kiosk": {c.kiosk}})
		if code != c.code || !strings.Contains(body, c.says) || strings.Contains(body, "new-token") {
			t.Errorf("add %q/%q: %d, want %d saying %q", c.venue, c.kiosk, code, c.code, c.says)
		}
	}

	code, loc, _ := b.post("/kiosks/revoke", url.Values{"csrf": {tok}, "kiosk": {"kiosk-1"}})
	if code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", code)
	}
	if _, err := st.Authenticate(ctx, token); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("the revoked kiosk's token: %v, want ErrUnauthorized", err)
	}
	_, _, body = b.get(loc)
	if !strings.Contains(body, "Kiosk kiosk-1 revoked") || !strings.Contains(body, `data-state="revoked"`) {
		t.Errorf("the page after the revocation does not show it:\n%s", body)
	}
	if code, _, _ := b.post("/kiosks/revoke", url.Values{"csrf": {tok}, "kiosk": {"nope"}}); code != http.StatusNotFound {
		t.Errorf("revoke an unknown kiosk: %d, want 404", code)
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

// The authority sees the fleet and the chart, and cannot add or revoke.
func TestAuthorityReadOnly(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)
	page := b.mustLogin("kdca", authorityPW)
	if !strings.Contains(page, `data-kiosk="kiosk-1"`) || !strings.Contains(page, `id="hourly"`) {
		t.Errorf("the authority's page lacks the fleet or the chart:\n%s", page)
	}
	if strings.Contains(page, "/kiosks/revoke") || strings.Contains(page, `action="/kiosks"`) {
		t.Errorf("the authority's page has the admin's forms")
	}
	tok := csrf(t, page) // the logout form's
	if code, _, _ := b.post("/kiosks/revoke", url.Values{"csrf": {tok}, "kiosk": {"kiosk-1"}}); code != http.StatusForbidden {
		t.Errorf("the authority revokes: %d, want 403", code)
	}
	if code, _, _ := b.post("/kiosks", url.Values{"csrf": {tok}, "venue": {"v"}, "kiosk": {"k"}}); code != http.StatusForbidden {
		t.Errorf("the authority adds: %d, want 403", code)
	}
	if _, err := st.Authenticate(ctx, token); err != nil {
		t.Errorf("the kiosk after the authority's tries: %v", err)
	}
	if ks, _ := st.Kiosks(ctx); len(ks) != 1 {
		t.Errorf("kiosks: %v", ks)
	}
}

// A session made through one replica works on another over the same
// store, and a logout on either ends it on both.
func TestSecondReplica(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	one := serve(t, st, c, web.Options{})
	two := serve(t, st, c, web.Options{})
	b := newBrowser(t, one.URL)
	b.mustLogin("mina", adminPW)
	session := b.cookie("passhub_session")

	b2 := newBrowser(t, two.URL)
	u, _ := url.Parse(two.URL)
	b2.http.Jar.SetCookies(u, []*http.Cookie{session})
	code, _, page := b2.get("/")
	if code != http.StatusOK || !strings.Contains(page, "signed in as mina") {
		t.Fatalf("the session on the second replica: %d\n%s", code, page)
	}
	if code, loc, _ := b2.post("/logout", url.Values{"csrf": {csrf(t, page)}}); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("logout: %d to %q", code, loc)
	}
	if _, _, err := st.Session(ctx, session.Value); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("the session after logout: %v, want ErrUnauthorized", err)
	}
	if code, loc, _ := b.get("/"); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("the first replica after a logout on the second: %d to %q, want 303 to /login", code, loc)
	}
}

func TestExpired(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	srv := serve(t, st, c, web.Options{SessionTTL: time.Hour})
	b := newBrowser(t, srv.URL)
	tok := csrf(t, b.mustLogin("mina", adminPW))
	c.advance(time.Hour - time.Second)
	if code, _, _ := b.get("/"); code != http.StatusOK {
		t.Errorf("a second before the session expires: %d", code)
	}
	c.advance(time.Second)
	if code, loc, _ := b.get("/"); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("GET / with an expired session: %d to %q, want 303 to /login", code, loc)
	}
	// The browser dropped the cookie; a form sent with the old one fails.
	b2 := newBrowser(t, srv.URL)
	code, _, _ := b2.post("/kiosks", url.Values{"csrf": {tok}, "venue": {"v"}, "kiosk": {"k"}})
	if code != http.StatusUnauthorized {
		t.Errorf("a form without a session: %d, want 401", code)
	}
}

func TestRateLimit(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	srv := serve(t, st, c, web.Options{MaxFailures: 3, FailureWindow: 10 * time.Minute})
	b := newBrowser(t, srv.URL)
	for i := range 3 {
		if code, _ := b.login("mina", "wrong password "+string(rune('a'+i))); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	code, body := b.login("mina", adminPW)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "try again in 10 min") {
		t.Errorf("the right password after 3 wrong: %d, want 429 saying when:\n%s", code, body)
	}
	// Another user from the same address is not held back yet.
	if code, _ := b.login("kdca", authorityPW); code != http.StatusSeeOther {
		t.Errorf("another user: %d, want 303", code)
	}
	c.advance(10 * time.Minute)
	if code, _ := b.login("mina", adminPW); code != http.StatusSeeOther {
		t.Errorf("the right password after the window: %d, want 303", code)
	}
}

func TestLanguage(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)
	b.lang = "ko-KR,ko;q=0.9,en;q=0.8"
	_, _, page := b.get("/login")
	if !strings.Contains(page, `<html lang="ko">`) || !strings.Contains(page, "로그인") {
		t.Errorf("Accept-Language ko: not Korean:\n%s", page)
	}
	b.lang = "de, en;q=0.5, ko;q=0.4"
	if _, _, page = b.get("/login"); !strings.Contains(page, `<html lang="en">`) {
		t.Errorf("Accept-Language de, en;q=0.5, ko;q=0.4: not English")
	}
	// The switch is remembered.
	if _, _, page = b.get("/login?lang=ko"); !strings.Contains(page, "비밀번호") {
		t.Errorf("?lang=ko: not Korean")
	}
	if _, _, page = b.get("/login"); !strings.Contains(page, "비밀번호") {
		t.Errorf("after ?lang=ko: not Korean")
	}
	code, body := b.login("mina", "틀린 비밀번호입니다")
	if code != http.StatusUnauthorized || !strings.Contains(body, "사용자 이름이나 비밀번호가 틀렸습니다.") {
		t.Errorf("a wrong password in Korean: %d\n%s", code, body)
	}
}

// down is a store whose database went away after the login.
type down struct {
	*hub.Bolt
	kiosks, session bool
}

func (d *down) Kiosks(ctx context.Context) ([]hub.Kiosk, error) {
	if d.kiosks {
		return nil, fmt.Errorf("list kiosks: %w: connection refused to 10.0.0.5:5432", hub.ErrUnavailable)
	}
	return d.Bolt.Kiosks(ctx)
}

func (d *down) Session(ctx context.Context, token string) (hub.User, time.Time, error) {
	if d.session {
		return hub.User{}, time.Time{}, fmt.Errorf("session: %w: the database system is starting up", hub.ErrUnavailable)
	}
	return d.Bolt.Session(ctx, token)
}

// A store out of reach is a 503 with Retry-After and a sentence, never a
// 500 or the error's detail; a store failing otherwise is a 500, also
// without detail.
func TestUnavailable(t *testing.T) {
	c := &clock{now: t0}
	st := &down{Bolt: openStore(t, c)}
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)
	b.mustLogin("mina", adminPW)
	for _, which := range []string{"kiosks", "session"} {
		st.kiosks, st.session = which == "kiosks", which == "session"
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		resp, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(string(body), "cannot be reached just now") || strings.Contains(string(body), "10.0.0.5") ||
			strings.Contains(string(body), "starting up") {
			t.Errorf("%s down: %d, Retry-After %q:\n%s", which, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
}
