package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/uplink"
)

// venueSecret is the pseudonym secret of the desk: the venue's shared one
// ([venue] secret_file) when set, else the register's own.
func (a *App) venueSecret() ([]byte, error) {
	path := a.Config.Venue.SecretFile
	if path == "" {
		secret, err := a.Register.VenueSecret()
		if err != nil {
			return nil, StoreErr(a.Cat, a.Config.Register.Path, err)
		}
		return secret, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, setupErr(fmt.Errorf("%s", a.Cat.T("app.secret_file", path, err, a.where("venue.secret_file"))))
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, setupErr(fmt.Errorf("%s", a.Cat.T("app.secret_mode", path, st.Mode().Perm())))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, setupErr(fmt.Errorf("%s", a.Cat.T("app.secret_file", path, err, a.where("venue.secret_file"))))
	}
	secret, err := ParseVenueSecret(string(data))
	if err != nil {
		return nil, setupErr(fmt.Errorf("%s", a.Cat.T("app.secret_bad", path, err)))
	}
	return secret, nil
}

// ParseVenueSecret reads a venue secret file's text: the base64 of 16 to
// 64 bytes (passctl venue-secret writes 32), on one line.
func ParseVenueSecret(text string) ([]byte, error) {
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("not base64: %w", err)
	}
	if len(secret) < 16 || len(secret) > 64 {
		return nil, fmt.Errorf("%d bytes, want 16 to 64", len(secret))
	}
	return secret, nil
}

// otherDoors is the desk's memory of the venue's other doors, when the
// kiosk asks the hub for them ([hub] other_doors_every); nil otherwise.
func (a *App) otherDoors() *checkin.OtherDoors {
	if a.Uplink == nil || a.Config.Hub.OtherDoorsEvery.Duration <= 0 {
		return nil
	}
	return checkin.NewOtherDoors()
}

// venueSync runs the sync with the hub and, at a multi-door venue, the
// watch of the other doors beside it, for the kiosk's Sync.
type venueSync struct {
	up            *uplink.Uplink
	doors         *checkin.OtherDoors
	every, window time.Duration
	now           func() time.Time
}

func (v venueSync) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		v.up.WatchVenue(ctx, v.every, v.window, func(ss []entry.Sighting) { v.doors.Add(ss, v.now().Add(-v.window)) })
	}()
	err := v.up.Run(ctx)
	cancel()
	<-done
	return err
}
