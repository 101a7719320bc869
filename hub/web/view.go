package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/passgate/passgate/internal/i18n"
)

// view is what every page has: the language and its switch, the user
// signed in (none on the login page), the form token.
type view struct {
	Lang  string
	Langs []langLink
	User  string
	Role  string
	Admin bool
	CSRF  string
	cat   *i18n.Catalog
	zone  *time.Location
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

// T is the catalog's text for key; templates call it as {{.T "key"}}.
func (v view) T(key string, args ...any) string { return v.cat.T(key, args...) }

// Time shows a time in the page's zone.
func (v view) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.zone).Format("2006-01-02 15:04:05")
}

// Ago says how long ago, roughly: seconds, minutes, hours or days.
func (v view) Ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return v.T("web.ago.seconds", int(max(d, 0)/time.Second))
	case d < time.Hour:
		return v.T("web.ago.minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		return v.T("web.ago.hours", int(d/time.Hour))
	}
	return v.T("web.ago.days", int(d/(24*time.Hour)))
}

// view picks the language (a ?lang= link, remembered in a cookie; else the
// cookie; else Accept-Language; else English) and fills in the session.
func (h *Handler) view(w http.ResponseWriter, r *http.Request) view {
	lang := ""
	if q := r.URL.Query().Get("lang"); slices.Contains(languages, q) {
		lang = q
		h.setCookie(w, langCookie, q, 365*24*time.Hour)
	} else if c := h.cookie(r, langCookie); slices.Contains(languages, c) {
		lang = c
	} else {
		lang = acceptLanguage(r.Header.Get("Accept-Language"))
	}
	v := view{Lang: lang, cat: h.opts.Catalogs[lang], zone: h.opts.Zone}
	for _, l := range languages {
		q := r.URL.Query()
		q.Set("lang", l)
		path := r.URL.Path
		if r.Method != http.MethodGet {
			path, q = "/", url.Values{"lang": {l}}
		}
		v.Langs = append(v.Langs, langLink{Code: l, Name: h.opts.Catalogs[l].T("web.lang.name"), URL: path + "?" + q.Encode(), Current: l == lang})
	}
	if s, ok := sessionOf(r); ok {
		v.User, v.Role = s.user.Name, string(s.user.Role)
		v.Admin = s.user.Role == "admin"
		v.CSRF = csrfToken(s.token)
	}
	return v
}

// acceptLanguage is the first of the page's languages an Accept-Language
// header asks for, by its q values; English if none.
func acceptLanguage(header string) string {
	best, bestQ := languages[0], -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if p := strings.TrimSpace(params); strings.HasPrefix(p, "q=") {
			if _, err := fmt.Sscanf(p[2:], "%g", &q); err != nil {
				continue
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if slices.Contains(languages, base) && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	return best
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"pct": func(n, of int) int {
		if of == 0 {
			return 0
		}
		return n * 100 / of
	},
}
