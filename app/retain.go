package app

import (
	"context"
	"time"
)

// retainEvery is how often a running kiosk applies its retention.
const retainEvery = 24 * time.Hour

// retain applies the register's retention while a kiosk runs: at start,
// then once a day, it removes the entries older than [register]
// retention_days that the hub holds; an entry not yet uploaded stays
// whatever its age (store.DB.Purge). after waits as time.After does.
func (a *App) retain(ctx context.Context, after func(time.Duration) <-chan time.Time) {
	for {
		purged, kept, err := a.Purge()
		switch {
		case err != nil:
			a.Log.Error("retention: purge failed", "err", err)
		case purged > 0 || kept > 0:
			a.Log.Info("retention: register purged", "purged", purged, "kept_not_uploaded", kept,
				"days", a.Config.Register.RetentionDays)
			a.auditRetention(purged)
		}
		select {
		case <-ctx.Done():
			return
		case <-after(retainEvery):
		}
	}
}
