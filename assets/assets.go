// Package assets holds the files passgate embeds in its binaries: the Korean
// and English message catalogs, the demo (bundle, frames) and the sounds. It only exposes bytes; it must not interpret them.
package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

//go:embed i18n/*.toml
var files embed.FS

// Catalogs returns the message catalogs of a language ("en" or "ko"), by
// file name: i18n/LANG.toml (the kiosk's) and i18n/NAME.LANG.toml (one per
// tool, e.g. passhub.en.toml), which the i18n package merges.
func Catalogs(lang string) (map[string][]byte, error) {
	names, err := fs.Glob(files, "i18n/*.toml")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, n := range names {
		base := path.Base(n)
		if base != lang+".toml" && !strings.HasSuffix(base, "."+lang+".toml") {
			continue
		}
		if out[base], err = files.ReadFile(n); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no message catalog for language %q", lang)
	}
	return out, nil
}

// Languages lists the languages with a catalog.
func Languages() []string { return []string{"en", "ko"} }
