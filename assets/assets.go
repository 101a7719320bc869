// Package assets holds the files passgate embeds in its binary: the Korean
// and English message catalogs (and, in later issues, the demo bundle, demo
// frames and sounds). It only exposes bytes; it must not interpret them.
package assets

import (
	"embed"
	"fmt"
)

//go:embed i18n/*.toml
var files embed.FS

// Catalog returns the message catalog for a language ("en" or "ko").
func Catalog(lang string) ([]byte, error) {
	b, err := files.ReadFile("i18n/" + lang + ".toml")
	if err != nil {
		return nil, fmt.Errorf("no message catalog for language %q", lang)
	}
	return b, nil
}

// Languages lists the languages with a catalog.
func Languages() []string { return []string{"en", "ko"} }
