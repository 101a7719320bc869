package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/passgate/passgate/hub"
)

// page is the body of the operator's page.
type page struct {
	view
	Query   fleetQuery
	Rows    []row
	All     int // kiosks before the filter
	Venues  []string
	Rollout rollout
	Chart   chart
	ChartOf string // the chart's venue; "" for all
	Sorts   []sortLink

	Added   *added // the kiosk just added, with its token, shown once
	Revoked string // the kiosk just revoked
	Form    addForm
	Message string // why the add failed
}

type added struct{ Kiosk, Venue, Token string }

type addForm struct{ Venue, Kiosk string }

// sortLink is a column heading: the link that sorts by it (again: the
// other way).
type sortLink struct {
	Key, URL string
	Active   bool
	Desc     bool
}

func (h *Handler) getPage(w http.ResponseWriter, r *http.Request) {
	p, ok := h.page(w, r)
	if !ok {
		return
	}
	p.Revoked = r.URL.Query().Get("revoked")
	h.render(w, http.StatusOK, "page.html", p)
}

// page gathers the page from the store; false when it failed and said so.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) (*page, bool) {
	ctx := r.Context()
	q := r.URL.Query()
	if r.Method != http.MethodGet {
		q = url.Values{}
	}
	p := &page{view: h.view(w, r), Query: parseFleetQuery(q), ChartOf: q.Get("cv")}
	kiosks, err := h.store.Kiosks(ctx)
	if err != nil {
		h.storeFailed(w, r, "kiosks", err)
		return nil, false
	}
	statuses, err := h.store.Statuses(ctx)
	if err != nil {
		h.storeFailed(w, r, "statuses", err)
		return nil, false
	}
	var current uint64
	switch b, err := h.store.CurrentBundle(ctx); {
	case err == nil:
		current = b.Sequence
	case !errors.Is(err, hub.ErrNotFound):
		h.storeFailed(w, r, "bundle", err)
		return nil, false
	}
	now := h.opts.Now()
	all := fleet(kiosks, statuses, current, now, h.opts.OnlineWithin, h.opts.StaleWithin)
	p.All, p.Venues, p.Rollout = len(all), venues(all), rolloutOf(all, current)
	p.Rows = filter(all, p.Query)
	for _, k := range sortKeys {
		f := p.Query
		f.Desc = f.Sort == k && !f.Desc
		f.Sort = k
		v := f.Values()
		if p.ChartOf != "" {
			v.Set("cv", p.ChartOf)
		}
		if d := q.Get("day"); d != "" {
			v.Set("day", d)
		}
		p.Sorts = append(p.Sorts, sortLink{Key: k, URL: "/?" + v.Encode(), Active: p.Query.Sort == k, Desc: p.Query.Sort == k && p.Query.Desc})
	}

	start := dayStart(now, h.opts.Zone)
	if d, err := time.ParseInLocation("2006-01-02", q.Get("day"), h.opts.Zone); err == nil {
		start = d
	}
	end := dayStart(start.Add(36*time.Hour), h.opts.Zone)
	counts, err := h.store.HourlyCounts(ctx, p.ChartOf, start, end)
	if err != nil {
		h.storeFailed(w, r, "hourly counts", err)
		return nil, false
	}
	p.Chart = buildChart(counts, start, end, h.opts.Zone, p.T("web.chart.others"))
	return p, true
}

// dayStart is the midnight that starts t's day in zone.
func dayStart(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// Sort returns the heading link of a column.
func (p *page) Sort(key string) sortLink {
	for _, s := range p.Sorts {
		if s.Key == key {
			return s
		}
	}
	return sortLink{}
}

func (h *Handler) postKiosk(w http.ResponseWriter, r *http.Request) {
	form := addForm{Venue: r.PostFormValue("venue"), Kiosk: r.PostFormValue("kiosk")}
	token, err := h.store.AddKiosk(r.Context(), form.Venue, form.Kiosk)
	status, message := http.StatusOK, ""
	switch {
	case errors.Is(err, hub.ErrInvalid):
		status = http.StatusBadRequest
		message = "web.add.invalid"
	case errors.Is(err, hub.ErrExists):
		status = http.StatusConflict
		message = "web.add.exists"
	case err != nil:
		h.storeFailed(w, r, "add kiosk", err)
		return
	}
	p, ok := h.page(w, r)
	if !ok {
		return
	}
	if err != nil {
		p.Form, p.Message = form, p.T(message, form.Kiosk)
	} else {
		s, _ := sessionOf(r)
		h.log.Info("web: kiosk added", "kiosk", form.Kiosk, "venue", form.Venue, "by", s.user.Name)
		p.Added = &added{Kiosk: form.Kiosk, Venue: form.Venue, Token: token}
	}
	h.render(w, status, "page.html", p)
}

func (h *Handler) postRevoke(w http.ResponseWriter, r *http.Request) {
	kiosk := r.PostFormValue("kiosk")
	err := h.store.RevokeKiosk(r.Context(), kiosk)
	if errors.Is(err, hub.ErrNotFound) {
		h.fail(w, r, http.StatusNotFound, "web.revoke.not_found", kiosk)
		return
	}
	if err != nil {
		h.storeFailed(w, r, "revoke kiosk", err)
		return
	}
	s, _ := sessionOf(r)
	h.log.Info("web: kiosk revoked", "kiosk", kiosk, "by", s.user.Name)
	http.Redirect(w, r, "/?"+url.Values{"revoked": {kiosk}}.Encode(), http.StatusSeeOther)
}

// States lists the states, for the filter.
func (p *page) States() []State { return states }

// SortKeys lists the sortable columns, in the table's order.
func (p *page) SortKeys() []string { return sortKeys }
