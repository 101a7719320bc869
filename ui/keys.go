package ui

import "charm.land/bubbles/v2/key"

// KeyMap is the kiosk's keys. The letters (and Help's "?") act wherever
// no text field has the focus; Back (Esc) always returns to scanning, and
// Help's F1 works while typing too. A keyboard-wedge scanner's line is
// told apart by its pace and its start (see wedge.go), so a pass typed by
// a scanner never triggers them.
type KeyMap struct {
	Preview, Manual, Admin, Lang, Quit    key.Binding
	Recent, Stats                         key.Binding
	Help                                  key.Binding
	Up, Down, Enter, Back, Delete, Toggle key.Binding
	Interrupt                             key.Binding
}

// DefaultKeyMap returns the standard keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Preview:   key.NewBinding(key.WithKeys("p")),
		Manual:    key.NewBinding(key.WithKeys("m")),
		Admin:     key.NewBinding(key.WithKeys("a")),
		Lang:      key.NewBinding(key.WithKeys("l")),
		Quit:      key.NewBinding(key.WithKeys("q")),
		Recent:    key.NewBinding(key.WithKeys("r")),
		Stats:     key.NewBinding(key.WithKeys("s")),
		Help:      key.NewBinding(key.WithKeys("?", "f1")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c")),
		Up:        key.NewBinding(key.WithKeys("up", "shift+tab")),
		Down:      key.NewBinding(key.WithKeys("down", "tab")),
		Enter:     key.NewBinding(key.WithKeys("enter")),
		Back:      key.NewBinding(key.WithKeys("esc")),
		Delete:    key.NewBinding(key.WithKeys("backspace")),
		Toggle:    key.NewBinding(key.WithKeys("ctrl+r")),
	}
}
