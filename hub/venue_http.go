package hub

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/passgate/passgate/entry"
)

// MaxRecent is how far back GET /v1/venue/recent looks at most: more than
// any duplicate window a kiosk allows.
const MaxRecent = time.Hour

// errStopSightings ends a venue's query at entry.MaxSightings.
var errStopSightings = errors.New("enough sightings")

// getVenueRecent answers a kiosk of a multi-door venue: whom the venue's
// other doors let in since ?since= (RFC 3339, at most MaxRecent ago;
// missing means MaxRecent), so a pass shown at door A and then at door B
// counts as one guest. Only holder pseudonyms, doors and times leave the
// hub; a refusal is not a sighting (the next door judges afresh), nor is an
// entry without a holder (a manual one).
func (s *Server) getVenueRecent(w http.ResponseWriter, r *http.Request) {
	k, err := s.authenticate(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.Now().UTC()
	since := now.Add(-MaxRecent)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			s.writeError(w, r, fmt.Errorf("%w: since=%q: want an RFC 3339 time", ErrInvalid, v))
			return
		}
		if t.After(since) {
			since = t
		}
	}
	out := entry.Sightings{Sightings: []entry.Sighting{}, Now: now}
	err = s.store.QueryEntries(r.Context(), Query{Venue: k.Venue, From: since, To: now.Add(MaxIDSkew)}, func(e entry.Entry) error {
		if e.Holder == "" || e.Kiosk == k.ID || e.Outcome != entry.Admitted {
			return nil
		}
		out.Sightings = append(out.Sightings, entry.Sighting{Holder: e.Holder, Kiosk: e.Kiosk, Time: e.Time.UTC()})
		if len(out.Sightings) == entry.MaxSightings {
			return errStopSightings
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopSightings) {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}
