package pgstore_test

import (
	"testing"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/hub/storetest"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// TestContract runs the contract of hub.Store, the same suite as the
// bbolt store's, each subtest on a new database.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) hub.Store {
		return mustOpenWith(t, pgtest.Database(t), &pgstore.Options{Now: now})
	})
}
