package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// styles are the screen's looks, made once by newStyles and kept in the
// model.
type styles struct {
	header, footer          lipgloss.Style
	venue, demo, dim, key   lipgloss.Style
	ok, warn, bad           lipgloss.Style
	admit, refuse, caution  lipgloss.Style
	wait                    lipgloss.Style // a pass waiting for its companion (2G+)
	title, selected, errMsg lipgloss.Style
	prompt, input           lipgloss.Style
	outline                 color.Color
}

// The verdict colours, chosen so that they stay apart for colour-blind
// staff: a light bluish green (with black text) against a dark red (with
// white text) differ in lightness, which deuteranopia and protanopia keep
// (TestPaletteColourBlind simulates both). The shapes and words say the
// verdict too.
const (
	admitColour  = "#35c49a"
	refuseColour = "#8b1a10"
	waitColour   = "#d4a72c"
)

func newStyles() styles {
	green, red, amber := lipgloss.Color(admitColour), lipgloss.Color(refuseColour), lipgloss.Color(waitColour)
	white, black := lipgloss.Color("#ffffff"), lipgloss.Color("#000000")
	bar := lipgloss.Color("#30363d")
	return styles{
		header:   lipgloss.NewStyle().Background(bar).Foreground(white),
		footer:   lipgloss.NewStyle().Foreground(lipgloss.Color("#c9d1d9")),
		venue:    lipgloss.NewStyle().Bold(true),
		demo:     lipgloss.NewStyle().Bold(true).Background(amber).Foreground(black).Padding(0, 1),
		dim:      lipgloss.NewStyle().Foreground(lipgloss.Color("#8b949e")),
		key:      lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#58a6ff")),
		ok:       lipgloss.NewStyle().Foreground(lipgloss.Color("#3fb950")),
		warn:     lipgloss.NewStyle().Bold(true).Foreground(amber),
		bad:      lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#f85149")),
		admit:    lipgloss.NewStyle().Background(green).Foreground(black).Bold(true),
		refuse:   lipgloss.NewStyle().Background(red).Foreground(white).Bold(true),
		wait:     lipgloss.NewStyle().Background(amber).Foreground(black).Bold(true),
		caution:  lipgloss.NewStyle().Background(amber).Foreground(black).Bold(true).Padding(0, 1),
		title:    lipgloss.NewStyle().Bold(true).Underline(true),
		selected: lipgloss.NewStyle().Bold(true).Reverse(true),
		errMsg:   lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#f85149")),
		prompt:   lipgloss.NewStyle().Bold(true),
		input:    lipgloss.NewStyle().Underline(true),
		outline:  lipgloss.Color("#00e000"),
	}
}
