package hub

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
// many it wrote, as an EntryWriter writes them.
func Export(ctx context.Context, st Store, since time.Time, f Format, w io.Writer) (int, error) {
	ew, err := NewEntryWriter(w, f)
	if err != nil {
		return 0, err
	}
	n := 0
	err = st.ExportEntries(ctx, since, func(e entry.Entry) error {
		if err := ew.Write(&e); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := ew.Flush(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// EntryWriter writes entries in a Format, for a file or a response.
//
// Notes are typed at the door and the file is read by an authority, in a
// spreadsheet or a terminal, so what a note could do there is taken out:
//
//   - In CSV a text cell that a spreadsheet would take for a formula
//     (starting with = + - @ or a tab) is prefixed with a single quote, as
//     OWASP advises. Tabs and line breaks become spaces; other control
//     characters (C0, DEL, C1), bidirectional controls (which reorder what
//     is shown: "Trojan Source") and bytes not UTF-8 become U+FFFD.
//   - In JSONL the values stay as they are: encoding/json escapes C0
//     controls and U+2028/U+2029, and the writer escapes DEL, C1 and the
//     bidirectional controls as \uXXXX too, which a JSON reader decodes
//     back to the same string.
type EntryWriter struct {
	bw    *bufio.Writer
	cw    *csv.Writer // CSV only
	line  bytes.Buffer
	enc   *json.Encoder // JSONL only, into line
	wrote bool          // the CSV header
}

// NewEntryWriter returns a writer of entries in f to w. Flush it at the end.
func NewEntryWriter(w io.Writer, f Format) (*EntryWriter, error) {
	ew := &EntryWriter{bw: bufio.NewWriter(w)}
	switch f {
	case JSONL:
		ew.enc = json.NewEncoder(&ew.line)
	case CSV:
		ew.cw = csv.NewWriter(ew.bw)
	default:
		return nil, fmt.Errorf("%w: format %q", ErrInvalid, f)
	}
	return ew, nil
}

// Write writes one entry.
func (ew *EntryWriter) Write(e *entry.Entry) error {
	if ew.enc != nil {
		ew.line.Reset()
		if err := ew.enc.Encode(e); err != nil {
			return err
		}
		_, err := ew.bw.Write(escapeJSON(ew.line.Bytes()))
		return err
	}
	if !ew.wrote {
		ew.wrote = true
		if err := ew.cw.Write(csvHeader); err != nil {
			return err
		}
	}
	var contact string
	if len(e.Contact) > 0 {
		contact = base64.StdEncoding.EncodeToString(e.Contact)
	}
	row := []string{e.ID, e.Time.UTC().Format(time.RFC3339Nano), e.Venue, e.Kiosk, string(e.Method), string(e.Outcome),
		e.Reason, e.Format, e.Type, e.Country, e.Holder, e.Staff, e.Note, contact}
	for i, c := range row {
		row[i] = defuse(c)
	}
	return ew.cw.Write(row)
}

// Flush writes what is buffered (a CSV export of no entry is its header).
func (ew *EntryWriter) Flush() error {
	if ew.cw != nil {
		if !ew.wrote {
			ew.wrote = true
			if err := ew.cw.Write(csvHeader); err != nil {
				return err
			}
		}
		if ew.cw.Flush(); ew.cw.Error() != nil {
			return ew.cw.Error()
		}
	}
	return ew.bw.Flush()
}

// hidden tells whether r is a character that changes how text around it
// shows, or shows nothing: controls (C0, DEL, C1), bidirectional
// controls, and the line and paragraph separators.
func hidden(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r)
}

// defuse makes a CSV cell safe to open: no formula, no hidden character.
func defuse(s string) string {
	if strings.IndexFunc(s, hidden) >= 0 || !utf8.ValidString(s) {
		var b strings.Builder
		for _, r := range s { // bytes not UTF-8 come as U+FFFD
			switch {
			case r == '\t' || r == '\n' || r == '\r':
				b.WriteByte(' ')
			case hidden(r):
				b.WriteRune(utf8.RuneError)
			default:
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// escapeJSON escapes, in a line of JSON, the hidden characters that
// encoding/json leaves as they are (they can only be inside strings, where
// \uXXXX means the same).
func escapeJSON(line []byte) []byte {
	if !bytes.ContainsFunc(line, hidden) {
		return line
	}
	out := make([]byte, 0, len(line)+32)
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		if r >= 0x7f && hidden(r) {
			out = fmt.Appendf(out, "\\u%04x", r)
		} else {
			out = append(out, line[:n]...)
		}
		line = line[n:]
	}
	return out
}
