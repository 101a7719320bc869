package uplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/passgate/passgate/entry"
)

// maxSightingsBody caps the hub's answer to a sightings request.
const maxSightingsBody = 4 << 20

// errNoVenueSync: the hub has no /v1/venue/recent (an older passhub).
var errNoVenueSync = errors.New("the hub does not tell other doors' guests (passhub older than this kiosk)")

// Sightings asks the hub whom the venue's other doors saw since the time
// given (see entry.Sightings). One request, with the same failover as the
// rest of sync.
func (u *Uplink) Sightings(ctx context.Context, since time.Time) ([]entry.Sighting, error) {
	path := "/v1/venue/recent?since=" + url.QueryEscape(since.UTC().Format(time.RFC3339Nano))
	resp, err := u.send(ctx, http.MethodGet, path, nil, func(req *http.Request) {
		req.Header.Set("Authorization", "Bearer "+u.o.Token)
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, errNoVenueSync
	case resp.StatusCode != http.StatusOK:
		return nil, u.statusError(resp)
	}
	var s entry.Sightings
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxSightingsBody))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("the hub's sightings: %w", err)
	}
	if len(s.Sightings) > entry.MaxSightings {
		return nil, fmt.Errorf("the hub's sightings: %d, at most %d", len(s.Sightings), entry.MaxSightings)
	}
	return s.Sightings, nil
}

// WatchVenue asks for the other doors' sightings of the last window every
// every (jittered), and hands each answer to fn, until ctx ends. A failure
// waits for the next turn: a door that cannot reach the hub still works
// alone, judging its own guests. An older hub without sightings is asked
// only every 10 turns.
func (u *Uplink) WatchVenue(ctx context.Context, every, window time.Duration, fn func([]entry.Sighting)) {
	failing := false
	for {
		wait := u.jitter(every)
		ss, err := u.Sightings(ctx, u.o.Now().Add(-window))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				u.o.Log.Warn("other doors' guests not known", "err", err)
			}
			failing = true
			if errors.Is(err, errNoVenueSync) {
				wait *= 10
			}
		default:
			if failing {
				u.o.Log.Info("other doors' guests known again")
			}
			failing = false
			fn(ss)
		}
		select {
		case <-ctx.Done():
			return
		case <-u.o.After(wait):
		}
	}
}
