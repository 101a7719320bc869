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

func newStyles() styles {
	green, red, amber := lipgloss.Color("#1a7f37"), lipgloss.Color("#b42318"), lipgloss.Color("#d4a72c")
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
		admit:    lipgloss.NewStyle().Background(green).Foreground(white).Bold(true),
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
