// Package entrygen makes entries for the hub's benchmarks, as kiosks send
// them at lunchtime, so that the bbolt and the PostgreSQL stores are
// measured on the same batches. Only tests import it.
package entrygen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/passgate/passgate/entry"
)

// Kiosk is the id of the kiosk that sends batch i of kiosks.
func Kiosk(i, kiosks int) string { return fmt.Sprintf("kiosk-%d", i%kiosks) }

// Lunch makes n batches of size entries of venue, for the kiosks in turn
// (batch i is Kiosk(i, kiosks)'s), every batch spread over the same hour
// from start: ids of different kiosks, and of one kiosk's successive
// batches, interleave, as at a lunchtime when every kiosk pushes what it
// recorded in the last minutes. An entry's time is its id's, as a kiosk
// makes them. The same arguments give the same batches.
func Lunch(n, kiosks, size int, venue string, start time.Time) ([][]entry.Entry, error) {
	if n < 0 || kiosks < 1 || size < 1 {
		return nil, fmt.Errorf("entrygen: %d batches of %d entries for %d kiosks", n, size, kiosks)
	}
	slot := time.Hour / time.Duration(size)
	out := make([][]entry.Entry, n)
	for i := range out {
		kiosk := Kiosk(i, kiosks)
		ids := entry.NewIDs(rand.NewChaCha8([32]byte{byte(i), byte(i >> 8), byte(i >> 16), 2}))
		r := rand.New(rand.NewPCG(uint64(i), 3))
		es := make([]entry.Entry, size)
		for j := range es {
			at := start.Add(time.Duration(j)*slot + time.Duration(r.Int64N(int64(slot))))
			id, err := ids.New(at)
			if err != nil {
				return nil, err
			}
			es[j] = entry.Entry{ID: id, Time: at, Venue: venue, Kiosk: kiosk, Method: entry.Camera, Outcome: entry.Admitted,
				Format: "eu-dcc", Type: "v", Country: "KR", Holder: fmt.Sprintf("%064x", r.Uint64())}
		}
		out[i] = es
	}
	return out, nil
}
