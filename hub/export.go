package hub

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/passgate/passgate/entry"
)

// Format is a form of export for the health authority.
type Format string

// The formats.
const (
	JSONL Format = "jsonl" // one entry.Entry JSON object a line
	CSV   Format = "csv"   // a header line, then one entry a row (see csvHeader)
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case JSONL, CSV:
		return f, nil
	}
	return "", fmt.Errorf("%w: format %q: want jsonl or csv", ErrInvalid, s)
}

// csvHeader names the CSV columns. contact is the sealed contact details in
// base64: only the health authority's key opens them.
var csvHeader = []string{"id", "time", "venue", "kiosk", "method", "outcome", "reason", "format", "type", "country", "holder", "staff", "note", "contact"}

// Export writes the entries recorded at or after since to w and returns how
// many it wrote.
//
// In CSV a text cell that a spreadsheet would take for a formula (starting
// with = + - @ or a tab) is prefixed with a single quote, as OWASP advises:
// notes are typed at the door and the file is opened by an authority.
func Export(ctx context.Context, st Store, since time.Time, f Format, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	n := 0
	var (
		write func(entry.Entry) error
		cw    *csv.Writer
	)
	switch f {
	case JSONL:
		enc := json.NewEncoder(bw)
		write = func(e entry.Entry) error { return enc.Encode(&e) }
	case CSV:
		cw = csv.NewWriter(bw)
		if err := cw.Write(csvHeader); err != nil {
			return 0, err
		}
		write = func(e entry.Entry) error {
			var contact string
			if len(e.Contact) > 0 {
				contact = base64.StdEncoding.EncodeToString(e.Contact)
			}
			row := []string{e.ID, e.Time.UTC().Format(time.RFC3339Nano), e.Venue, e.Kiosk, string(e.Method), string(e.Outcome),
				e.Reason, e.Format, e.Type, e.Country, e.Holder, e.Staff, e.Note, contact}
			for i, c := range row {
				row[i] = defuse(c)
			}
			return cw.Write(row)
		}
	default:
		return 0, fmt.Errorf("%w: format %q", ErrInvalid, f)
	}
	err := st.ExportEntries(ctx, since, func(e entry.Entry) error {
		if err := write(e); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if cw != nil {
		if cw.Flush(); cw.Error() != nil {
			return n, fmt.Errorf("export: %w", cw.Error())
		}
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
