package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/passgate/passgate/checkin"
)

// purpose is what a PIN form is for.
type purpose int

const (
	forManual purpose = iota // record a manual entry
	forAdmin                 // open the admin menu
	forQuit                  // quit in kiosk mode
)

// field is the form's field with the focus.
type field int

const (
	fieldReason field = iota
	fieldNote
	fieldStaff
	fieldPIN
)

// form is the manual-entry form, and the PIN prompt of admin and quit
// (which start at the staff id).
type form struct {
	purpose purpose
	field   field
	reason  int // index in checkin.ManualReasons
	refused bool
	note    string
	staff   string
	pin     string
	// msg is the key of the message shown under the form, with args.
	msg  string
	args []any
	busy bool // waiting for the guard or the desk
}

func newForm(p purpose) form {
	f := form{purpose: p}
	if p != forManual {
		f.field = fieldStaff
	}
	return f
}

// reasonCode is the chosen manual reason.
func (f *form) reasonCode() string { return checkin.ManualReasons[f.reason] }

// text is the text field with the focus, nil for the reason list.
func (f *form) text() *string {
	switch f.field {
	case fieldNote:
		return &f.note
	case fieldStaff:
		return &f.staff
	case fieldPIN:
		return &f.pin
	}
	return nil
}

// typed adds characters to the focused text field.
func (f *form) typed(s string) {
	if t := f.text(); t != nil && utf8.RuneCountInString(*t) < 64 {
		*t += s
	}
}

// erase removes the last character of the focused text field.
func (f *form) erase() {
	if t := f.text(); t != nil && *t != "" {
		_, n := utf8.DecodeLastRuneInString(*t)
		*t = (*t)[:len(*t)-n]
	}
}

// move changes the reason in the list.
func (f *form) move(d int) {
	if f.field == fieldReason {
		n := len(checkin.ManualReasons)
		f.reason = (f.reason + d + n) % n
	}
}

// next moves the focus on after Enter; it reports true when the form is
// complete.
func (f *form) next() (done bool) {
	f.msg, f.args = "", nil
	switch f.field {
	case fieldReason:
		if f.reasonCode() == checkin.ReasonOther {
			f.field = fieldNote
		} else {
			f.field = fieldStaff
		}
	case fieldNote:
		if strings.TrimSpace(f.note) == "" {
			f.msg = "ui.form.need_note"
			return false
		}
		f.field = fieldStaff
	case fieldStaff:
		if strings.TrimSpace(f.staff) == "" {
			f.msg = "ui.form.need_staff"
			return false
		}
		f.field = fieldPIN
	case fieldPIN:
		if f.pin == "" {
			return false
		}
		return true
	}
	return false
}

// manual is the entry the form describes.
func (f *form) manual() checkin.Manual {
	m := checkin.Manual{Staff: strings.TrimSpace(f.staff), Reason: f.reasonCode(), Refused: f.refused}
	if m.Reason == checkin.ReasonOther {
		m.Note = strings.TrimSpace(f.note)
	}
	return m
}

// adminItem is an entry of the admin menu.
type adminItem int

const (
	itemLang adminItem = iota
	itemStats
	itemQuit
	itemBack
)

var adminItems = []adminItem{itemLang, itemStats, itemQuit, itemBack}

// adminMenu is the admin menu's state.
type adminMenu struct {
	cursor int
	stats  string // shown after "register stats"
}
