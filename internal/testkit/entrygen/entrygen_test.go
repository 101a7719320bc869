package entrygen_test

import (
	"slices"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/testkit/entrygen"
)

// TestLunch: valid entries, every batch over the same hour, ids unique and
// interleaving across batches, the same batches for the same arguments.
func TestLunch(t *testing.T) {
	start := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	bs, err := entrygen.Lunch(6, 3, 1000, "venue-1", start)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, es := range bs {
		if len(es) != 1000 {
			t.Fatalf("batch %d: %d entries", i, len(es))
		}
		for _, e := range es {
			if err := e.Check(); err != nil {
				t.Fatal(err)
			}
			if at, _ := entry.IDTime(e.ID); !at.Equal(e.Time.Truncate(time.Millisecond)) || e.Time.Before(start) || !e.Time.Before(start.Add(time.Hour)) {
				t.Fatalf("batch %d: entry at %s, id at %s: want the id's time, in the hour from %s", i, e.Time, at, start)
			}
			if seen[e.ID] {
				t.Fatalf("id %s twice", e.ID)
			}
			seen[e.ID] = true
			if e.Kiosk != entrygen.Kiosk(i, 3) || e.Venue != "venue-1" {
				t.Fatalf("batch %d: kiosk %s venue %s", i, e.Kiosk, e.Venue)
			}
		}
		if !slices.IsSortedFunc(es, func(a, b entry.Entry) int { return a.Time.Compare(b.Time) }) {
			t.Errorf("batch %d not in time order", i)
		}
	}
	// Interleaved: batch 1's first id is before batch 0's last.
	if bs[1][0].ID > bs[0][999].ID {
		t.Error("batches do not interleave")
	}
	again, _ := entrygen.Lunch(6, 3, 1000, "venue-1", start)
	if again[5][999].ID != bs[5][999].ID {
		t.Error("the same arguments gave other ids")
	}
	if _, err := entrygen.Lunch(1, 0, 1000, "v", start); err == nil {
		t.Error("0 kiosks accepted")
	}
}
