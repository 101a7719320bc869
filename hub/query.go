package hub

import (
	"context"
	"time"

	"github.com/passgate/passgate/entry"
)

// Query selects entries for the health authority: the entries at one
// venue (all its kiosks) whose time is in [From, To), and of those, when
// Holder is set, only the holder pseudonym's.
type Query struct {
	Venue    string
	From, To time.Time
	Holder   string // a holder pseudonym (entry.Entry.Holder); "" for all
}

// HourCount is how many entries a venue had in one hour (UTC, truncated).
type HourCount struct {
	Venue   string    `json:"venue"`
	Hour    time.Time `json:"hour"`
	Entries int       `json:"entries"`
}

// QueryStore answers the health authority's questions. Every Store has it.
// The queries use an index on (venue, time): they never scan all entries.
type QueryStore interface {
	// QueryEntries calls fn with every entry q selects, in time order (ties
	// by id), until fn returns an error, which QueryEntries returns.
	QueryEntries(ctx context.Context, q Query, fn func(entry.Entry) error) error
	// HourlyCounts counts the check-ins (entries that are not audit
	// events) per venue per hour whose time is in
	// [from, to); venue "" counts every venue. By venue, then hour.
	HourlyCounts(ctx context.Context, venue string, from, to time.Time) ([]HourCount, error)
}
