package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/passgate/passgate/hub"
)

// retainEvery is how often a running hub applies its retention.
const retainEvery = 24 * time.Hour

// retain deletes, at start and then once a day until ctx ends, the
// entries older than days (on PostgreSQL, whole day partitions). Several
// replicas may all run it: the store makes their purges take turns, and a
// purge finds nothing the second time. after waits as time.After does.
func retain(ctx context.Context, st hub.Store, days int, now func() time.Time, after func(time.Duration) <-chan time.Time, log *slog.Logger) {
	for {
		before := now().AddDate(0, 0, -days)
		n, err := st.PurgeEntries(ctx, before)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention: purge failed", "before", before.UTC().Format(time.RFC3339), "purged", n, "err", err)
		case n > 0:
			log.Info("retention: entries purged", "purged", n, "before", before.UTC().Format(time.RFC3339), "days", days)
		}
		select {
		case <-ctx.Done():
			return
		case <-after(retainEvery):
		}
	}
}
