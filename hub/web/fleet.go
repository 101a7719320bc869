package web

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/passgate/passgate/hub"
)

// State is how a kiosk stands, from when the hub last heard from it.
type State string

const (
	Online  State = "online"  // heard within OnlineWithin
	Stale   State = "stale"   // within StaleWithin
	Offline State = "offline" // longer ago
	Never   State = "never"   // no report yet
	Revoked State = "revoked" // its token no longer works
)

var states = []State{Online, Stale, Offline, Never, Revoked}

// row is one kiosk in the fleet table.
type row struct {
	Kiosk, Venue string
	State        State
	Seen         time.Time // zero: never reported
	Ago          time.Duration
	Bundle       uint64
	Current      bool // runs the published bundle
	Waiting      int
	Oldest       time.Time
	Version      string
	Camera       string
	LastError    string
	Added        time.Time
}

// fleetQuery is how the table is sorted and filtered: the page's query
// parameters sort, desc, venue, state and q.
type fleetQuery struct {
	Sort  string // one of sortKeys
	Desc  bool
	Venue string // exact
	State State  // "" for all
	Q     string // part of a kiosk or venue id, any case
}

var sortKeys = []string{"venue", "kiosk", "state", "seen", "bundle", "waiting"}

func parseFleetQuery(q url.Values) fleetQuery {
	f := fleetQuery{Sort: q.Get("sort"), Desc: q.Get("desc") == "1", Venue: q.Get("venue"), Q: strings.TrimSpace(q.Get("q"))}
	if !slices.Contains(sortKeys, f.Sort) {
		f.Sort = "venue"
	}
	if s := State(q.Get("state")); slices.Contains(states, s) {
		f.State = s
	}
	return f
}

// Values is the query as URL parameters, without the defaults.
func (f fleetQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Sort != "venue" {
		set("sort", f.Sort)
	}
	if f.Desc {
		v.Set("desc", "1")
	}
	set("venue", f.Venue)
	set("state", string(f.State))
	set("q", f.Q)
	return v
}

// fleet joins the kiosks with their last reports and judges their state.
func fleet(kiosks []hub.Kiosk, statuses []hub.KioskStatus, current uint64, now time.Time, online, stale time.Duration) []row {
	byID := make(map[string]hub.KioskStatus, len(statuses))
	for _, s := range statuses {
		byID[s.Kiosk] = s
	}
	rows := make([]row, 0, len(kiosks))
	for _, k := range kiosks {
		r := row{Kiosk: k.ID, Venue: k.Venue, Added: k.Added, State: Never}
		if s, ok := byID[k.ID]; ok {
			r.Seen, r.Ago = s.Seen, now.Sub(s.Seen)
			r.Bundle, r.Current = s.BundleSequence, current != 0 && s.BundleSequence == current
			r.Waiting, r.Oldest = s.Waiting, s.OldestWaiting
			r.Version, r.Camera, r.LastError = s.Version, s.Camera, s.LastError
			switch {
			case r.Ago < online:
				r.State = Online
			case r.Ago < stale:
				r.State = Stale
			default:
				r.State = Offline
			}
		}
		if !k.Revoked.IsZero() {
			r.State = Revoked
		}
		rows = append(rows, r)
	}
	return rows
}

// filter keeps the rows the query asks for and sorts them; ties go by
// venue, then kiosk.
func filter(rows []row, f fleetQuery) []row {
	q := strings.ToLower(f.Q)
	out := slices.DeleteFunc(slices.Clone(rows), func(r row) bool {
		return (f.Venue != "" && r.Venue != f.Venue) || (f.State != "" && r.State != f.State) ||
			(q != "" && !strings.Contains(strings.ToLower(r.Kiosk), q) && !strings.Contains(strings.ToLower(r.Venue), q))
	})
	by := func(a, b row) int {
		switch f.Sort {
		case "kiosk":
			return cmp.Compare(a.Kiosk, b.Kiosk)
		case "state":
			return cmp.Compare(slices.Index(states, a.State), slices.Index(states, b.State))
		case "seen":
			return b.Seen.Compare(a.Seen) // most recent first
		case "bundle":
			return cmp.Compare(a.Bundle, b.Bundle)
		case "waiting":
			return cmp.Compare(b.Waiting, a.Waiting) // most waiting first
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b row) int {
		c := by(a, b)
		if f.Desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.Venue, b.Venue), cmp.Compare(a.Kiosk, b.Kiosk))
	})
	return out
}

// rollout is how far the published bundle has reached the active kiosks.
type rollout struct {
	Current   uint64 // 0: none published
	Active    int    // kiosks not revoked
	OnCurrent int
	Sequences []seqCount // what the active kiosks run, highest first; 0 for no report
}

type seqCount struct {
	Sequence uint64
	Kiosks   int
}

func rolloutOf(rows []row, current uint64) rollout {
	ro := rollout{Current: current}
	n := map[uint64]int{}
	for _, r := range rows {
		if r.State == Revoked {
			continue
		}
		ro.Active++
		if r.Current {
			ro.OnCurrent++
		}
		n[r.Bundle]++
	}
	for seq, k := range n {
		ro.Sequences = append(ro.Sequences, seqCount{seq, k})
	}
	slices.SortFunc(ro.Sequences, func(a, b seqCount) int { return cmp.Compare(b.Sequence, a.Sequence) })
	return ro
}

// venues lists the venues of the rows, sorted, for the filter.
func venues(rows []row) []string {
	var vs []string
	for _, r := range rows {
		vs = append(vs, r.Venue)
	}
	slices.Sort(vs)
	return slices.Compact(vs)
}
