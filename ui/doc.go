// Package ui is the kiosk's screen: a Bubble Tea program that shows the
// camera preview, a verdict banner staff can read from two metres, today's
// counts, the manual-entry form and the admin menu, in Korean or English.
// Staff and owners also get the last guests (r: first letters of names
// only), today's statistics from the register's counters (s), a
// camera-trouble screen while the camera is lost, and a request for a
// bigger window below 80×24 instead of cut-off fields.
//
// A guest is never hidden: a verdict shows over whatever is open, and the
// form or menu under it comes back as it was (keys typed meanwhile go into
// it); the menu and forms close by themselves after Options.IdleAfter.
// Keys never stick: a keyboard-wedge scanner's line is told from typing by
// its pace and its start (wedge.go), the staff keys work wherever no text
// field has the focus, "?" or F1 shows the keys of the screen, and Esc
// always goes back to scanning.
//
// It only shows and asks: every decision is the desk's (package checkin),
// and everything slow (PIN hashing, the register, verifying a typed pass)
// runs in a tea.Cmd that gets its inputs as arguments. Every string on the
// screen comes from the translation catalogs (internal/i18n). Staff
// actions and refused PINs go to Options.Log; a PIN, a holder's name, date
// of birth, UVCI or pass text never does.
package ui
