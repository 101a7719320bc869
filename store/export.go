package store

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
)

// ExportFormats are the formats Export writes (a new slice each call).
func ExportFormats() []string { return []string{"csv", "jsonl"} }

// csvHeader is the first line of a CSV export: the JSON names of the
// entry's fields. contact is base64 of the sealed box.
var csvHeader = []string{"id", "time", "venue", "kiosk", "method", "outcome", "reason", "format", "type",
	"country", "holder", "staff", "note", "contact"}

// Export writes the entries of time since or later, oldest first, as CSV
// (with a header line) or as JSON lines (each the entry's JSON as stored),
// and returns how many it wrote. It reads the register in short
// transactions, so recording goes on while a large export is written.
func (db *DB) Export(w io.Writer, since time.Time, format string) (int, error) {
	var cw *csv.Writer
	switch format {
	case "csv":
		cw = csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return 0, fmt.Errorf("export: %w", err)
		}
	case "jsonl":
	default:
		return 0, fmt.Errorf("export: unknown format %q (want csv or jsonl)", format)
	}
	from, ok := idFloor(since)
	n := 0
	for resume := false; ok; resume = true {
		type row struct {
			e   entry.Entry
			raw []byte
		}
		var rows []row
		err := db.view("export", func(tx *bolt.Tx) error {
			cur := tx.Bucket(bucketEntries).Cursor()
			k, v := cur.Seek(from)
			if resume && k != nil && bytes.Equal(k, from) {
				k, v = cur.Next() // from is the last key read
			}
			for ; k != nil && len(rows) < chunk; k, v = cur.Next() {
				e, err := decode(k, v)
				if err != nil {
					return err
				}
				from = append([]byte(nil), k...)
				if e.Time.Before(since) {
					continue
				}
				rows = append(rows, row{e, append([]byte(nil), v...)})
			}
			ok = k != nil
			return nil
		})
		if err != nil {
			return n, err
		}
		for _, r := range rows {
			var err error
			if cw != nil {
				err = cw.Write(csvRow(&r.e))
			} else {
				_, err = w.Write(append(r.raw, '\n'))
			}
			if err != nil {
				return n, fmt.Errorf("export: %w", err)
			}
			n++
		}
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
	}
	return n, nil
}

func csvRow(e *entry.Entry) []string {
	var contact string
	if len(e.Contact) > 0 {
		contact = base64.StdEncoding.EncodeToString(e.Contact)
	}
	return []string{e.ID, e.Time.UTC().Format(time.RFC3339Nano), e.Venue, e.Kiosk, string(e.Method),
		string(e.Outcome), e.Reason, e.Format, e.Type, e.Country, e.Holder, e.Staff, e.Note, contact}
}
