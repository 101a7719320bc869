package ui

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/presets"
)

// purpose is what a PIN form is for.
type purpose int

const (
	forManual purpose = iota // record a manual entry
	forAdmin                 // open the admin menu
	forQuit                  // quit in kiosk mode
)

// String names the purpose in the log.
func (p purpose) String() string {
	switch p {
	case forManual:
		return "manual"
	case forAdmin:
		return "admin"
	case forQuit:
		return "quit"
	}
	return "unknown"
}

// field is the form's field with the focus.
type field int

const (
	fieldReason field = iota
	fieldNote
	fieldName // the holder's name, when the policy asks for contact tracing
	fieldDOB  // and date of birth
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
	// contact: the bundle's policy asks for contact tracing, so the form
	// asks for the holder's name and date of birth.
	contact bool
	name    string
	dob     string
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
func (f *form) reasonCode() string { return checkin.ManualReasons()[f.reason] }

// text is the text field with the focus, nil for the reason list.
func (f *form) text() *string {
	switch f.field {
	case fieldNote:
		return &f.note
	case fieldName:
		return &f.name
	case fieldDOB:
		return &f.dob
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
		n := len(checkin.ManualReasons())
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
			f.field = f.afterNote()
		}
	case fieldNote:
		if strings.TrimSpace(f.note) == "" {
			f.msg = "ui.form.need_note"
			return false
		}
		f.field = f.afterNote()
	case fieldName:
		if strings.TrimSpace(f.name) == "" {
			f.msg = "ui.form.need_name"
			return false
		}
		f.field = fieldDOB
	case fieldDOB:
		if !dobPattern.MatchString(strings.TrimSpace(f.dob)) {
			f.msg = "ui.form.need_dob"
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

// dobPattern is a date of birth as passes write it: YYYY-MM-DD, or only
// YYYY-MM or YYYY when the day or month is unknown.
var dobPattern = regexp.MustCompile(`^[12][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`)

// afterNote is the field after the reason (and note): the holder's name
// when the policy asks for contact tracing, else the staff id.
func (f *form) afterNote() field {
	if f.contact {
		return fieldName
	}
	return fieldStaff
}

// manual is the entry the form describes.
func (f *form) manual() checkin.Manual {
	m := checkin.Manual{Staff: strings.TrimSpace(f.staff), Reason: f.reasonCode(), Refused: f.refused}
	if m.Reason == checkin.ReasonOther {
		m.Note = strings.TrimSpace(f.note)
	}
	if f.contact {
		m.Name, m.DateOfBirth = strings.TrimSpace(f.name), strings.TrimSpace(f.dob)
	}
	return m
}

// adminItem is an entry of the admin menu.
type adminItem int

const (
	itemLang   adminItem = iota
	itemCamera           // with Options.Cameras and SetCamera
	itemPolicy
	itemSync  // with Options.SyncNow
	itemPurge // with Options.Purge
	itemStats
	itemQuit
	itemBack
)

// adminItems are the admin menu's entries this kiosk offers: camera, sync
// and purge only when the caller provides them.
func (m *Model) adminItems() []adminItem {
	items := []adminItem{itemLang}
	if m.o.Cameras != nil && m.o.SetCamera != nil {
		items = append(items, itemCamera)
	}
	items = append(items, itemPolicy)
	if m.o.SyncNow != nil {
		items = append(items, itemSync)
	}
	if m.o.Purge != nil {
		items = append(items, itemPurge)
	}
	return append(items, itemStats, itemQuit, itemBack)
}

// adminMenu is the admin menu's state.
type adminMenu struct {
	staff  string // who opened it, for the log
	cursor int
	// info is shown under the menu: the stats, or what the last action
	// did; infoErr marks it as a failure.
	info    string
	infoErr bool
	// cams is the device list while staff choose a camera (picking).
	picking   bool
	cams      []string
	camCursor int
	// busy: waiting for the kiosk (purge, stats, devices, camera
	// switch); keys do nothing meanwhile.
	busy bool
}

// policyChoices are the policy presets staff cycle through: "" is the
// bundle's own policy.
func policyChoices() []string { return append([]string{""}, presets.Names()...) }
