package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/passgate/passgate/hub"
)

// The cookies. With Options.Secure the session's carries the __Host-
// prefix, which a browser accepts only when Secure, Path=/ and no Domain:
// another host of the domain cannot plant or read it.
const (
	sessionCookie = "passhub_session"
	loginCookie   = "passhub_login" // the login form's CSRF token
	langCookie    = "passhub_lang"
)

func (h *Handler) cookieName(name string) string {
	if h.opts.Secure {
		return "__Host-" + name
	}
	return name
}

func (h *Handler) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name:     h.cookieName(name),
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   h.opts.Secure,
		SameSite: http.SameSiteStrictMode,
		MaxAge:   int(maxAge / time.Second),
	}
	if maxAge < 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func (h *Handler) cookie(r *http.Request, name string) string {
	c, err := r.Cookie(h.cookieName(name))
	if err != nil {
		return ""
	}
	return c.Value
}

// session is a signed-in request's user and session.
type session struct {
	user  hub.User
	token string
}

type sessionKey struct{}

func sessionOf(r *http.Request) (session, bool) {
	s, ok := r.Context().Value(sessionKey{}).(session)
	return s, ok
}

// signedIn lets a request through with its session's user, and sends one
// without a valid session to the login page (a GET) or refuses it (401).
// A POST must carry the session's CSRF token.
func (h *Handler) signedIn(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := h.cookie(r, sessionCookie)
		u, _, err := h.store.Session(r.Context(), token)
		if errors.Is(err, hub.ErrUnauthorized) {
			if token != "" {
				h.setCookie(w, sessionCookie, "", -1)
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			h.fail(w, r, http.StatusUnauthorized, "web.error.signed_out")
			return
		}
		if err != nil {
			h.storeFailed(w, r, "session", err)
			return
		}
		if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), csrfToken(token)) {
			h.fail(w, r, http.StatusForbidden, "web.error.csrf")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, session{user: u, token: token})))
	}
}

// admin lets only an admin through: the authority's role is read-only.
func (h *Handler) admin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s, _ := sessionOf(r); s.user.Role != hub.RoleAdmin {
			h.fail(w, r, http.StatusForbidden, "web.error.admin_only")
			return
		}
		next(w, r)
	}
}

// csrfToken is a session's CSRF token: derived from the session's token,
// which only the HttpOnly cookie holds, so any replica can check it and a
// page of another site cannot know it.
func csrfToken(sessionToken string) string {
	sum := sha256.Sum256([]byte("passhub csrf\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// loginPage is the body of the login page.
type loginPage struct {
	view
	Name    string
	Message string
}

func (h *Handler) getLogin(w http.ResponseWriter, r *http.Request) {
	h.showLogin(w, r, http.StatusOK, "", "")
}

// showLogin renders the login form with a fresh CSRF token, which the
// login cookie carries too (double submit: a page of another site can
// neither read the cookie nor set it).
func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, name, message string) {
	var raw [24]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	h.setCookie(w, loginCookie, tok, time.Hour)
	v := h.view(w, r)
	v.CSRF = tok
	h.render(w, status, "login.html", loginPage{view: v, Name: name, Message: message})
}

func (h *Handler) postLogin(w http.ResponseWriter, r *http.Request) {
	want := h.cookie(r, loginCookie)
	if want == "" || !sameToken(r.PostFormValue("csrf"), want) {
		h.fail(w, r, http.StatusForbidden, "web.error.csrf")
		return
	}
	v := h.view(w, r)
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	user, addr := strings.ToLower(name), clientAddr(r)
	if wait := max(h.users.wait(user), h.addrs.wait(addr)); wait > 0 {
		mins := int((wait + time.Minute - 1) / time.Minute)
		w.Header().Set("Retry-After", itoa(int(wait/time.Second)+1))
		h.showLogin(w, r, http.StatusTooManyRequests, name, v.T("web.login.limited", mins))
		return
	}
	u, err := h.store.CheckPassword(r.Context(), name, password)
	if errors.Is(err, hub.ErrUnauthorized) {
		h.users.fail(user)
		h.addrs.fail(addr)
		h.showLogin(w, r, http.StatusUnauthorized, name, v.T("web.login.wrong"))
		return
	}
	if err != nil {
		h.storeFailed(w, r, "login", err)
		return
	}
	h.users.reset(user)
	token, err := h.store.NewSession(r.Context(), u.Name, h.opts.Now().Add(h.opts.SessionTTL))
	if err != nil {
		h.storeFailed(w, r, "login", err)
		return
	}
	h.setCookie(w, loginCookie, "", -1)
	h.setCookie(w, sessionCookie, token, h.opts.SessionTTL)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) postLogout(w http.ResponseWriter, r *http.Request) {
	s, _ := sessionOf(r)
	if err := h.store.EndSession(r.Context(), s.token); err != nil {
		h.storeFailed(w, r, "logout", err)
		return
	}
	h.setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// clientAddr is the address the request came from, without its port. A
// proxy's X-Forwarded-For is not trusted: anyone can send one.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
