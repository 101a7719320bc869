package ui

import "charm.land/bubbles/v2/key"

// KeyMap is the kiosk's keys. The letters act only while no scanner line
// is being typed: a keyboard-wedge payload (base45: upper case, digits,
// a few signs) never contains them anyway.
type KeyMap struct {
	Preview, Manual, Admin, Lang, Quit    key.Binding
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
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c")),
		Up:        key.NewBinding(key.WithKeys("up", "shift+tab")),
		Down:      key.NewBinding(key.WithKeys("down", "tab")),
		Enter:     key.NewBinding(key.WithKeys("enter")),
		Back:      key.NewBinding(key.WithKeys("esc")),
		Delete:    key.NewBinding(key.WithKeys("backspace")),
		Toggle:    key.NewBinding(key.WithKeys("ctrl+r")),
	}
}
