package store_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// A guest admitted at the door is recorded, uploaded, acknowledged, and
// purged once the retention has run out.
func Example() {
	dir, err := os.MkdirTemp("", "passgate-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	now := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	db, err := store.Open(store.Options{
		Path:     filepath.Join(dir, "register.db"),
		Now:      func() time.Time { return now },
		Location: time.UTC,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	secret, err := db.VenueSecret()
	if err != nil {
		log.Fatal(err)
	}
	id, err := entry.NewIDs(strings.NewReader(strings.Repeat("x", 100))).New(now)
	if err != nil {
		log.Fatal(err)
	}
	e := entry.Entry{ID: id, Time: now, Venue: "venue-1", Kiosk: "kiosk-1",
		Method: entry.Camera, Outcome: entry.Admitted,
		Holder: entry.Pseudonym(secret, "URN:UVCI:01:KR:EXAMPLE")}
	if err := db.Record(e); err != nil { // durable on return
		log.Fatal(err)
	}

	batch, err := db.Pending(1000) // what uplink sends to the hub
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("to upload:", len(batch))
	if err := db.Ack([]string{batch[0].ID}); err != nil { // the hub has it
		log.Fatal(err)
	}

	later := now.AddDate(0, 1, 0) // a month on
	purged, kept, err := db.Purge(later.Add(-store.DefaultRetention))
	if err != nil {
		log.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("purged %d, kept unsynced %d, left %d\n", purged, kept, st.Total)
	// Output:
	// to upload: 1
	// purged 1, kept unsynced 0, left 0
}
