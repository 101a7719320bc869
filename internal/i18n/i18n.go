// Package i18n renders user-visible text from the embedded Korean and
// English catalogs (assets/i18n: LANG.toml for the kiosk, NAME.LANG.toml
// for each tool, merged). Keys are stable dotted names; a key missing
// from a catalog falls back to English, then to the key itself, so a gap
// shows up as a visible key rather than an empty screen.
package i18n

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/passgate/passgate/assets"
)

// Catalog is the messages of one language, with English as fallback.
type Catalog struct {
	Lang     string
	msgs     map[string]string
	fallback map[string]string
}

// New loads the catalog for lang ("en" or "ko").
func New(lang string) (*Catalog, error) {
	if !slices.Contains(assets.Languages(), lang) {
		return nil, fmt.Errorf("unknown language %q (want one of %s)", lang, strings.Join(assets.Languages(), ", "))
	}
	msgs, err := load(lang)
	if err != nil {
		return nil, err
	}
	en := msgs
	if lang != "en" {
		if en, err = load("en"); err != nil {
			return nil, err
		}
	}
	return &Catalog{Lang: lang, msgs: msgs, fallback: en}, nil
}

// load merges the language's catalog files; a key in two files is an
// error, so one tool's catalog cannot silently change another's words.
func load(lang string) (map[string]string, error) {
	files, err := assets.Catalogs(lang)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	from := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		var tree map[string]any
		if err := toml.Unmarshal(files[name], &tree); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", name, err)
		}
		one := map[string]string{}
		flatten("", tree, one)
		for k, v := range one {
			if f, dup := from[k]; dup {
				return nil, fmt.Errorf("catalog %s: key %s is also in %s", name, k, f)
			}
			out[k], from[k] = v, name
		}
	}
	return out, nil
}

func flatten(prefix string, tree map[string]any, out map[string]string) {
	for k, v := range tree {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			flatten(key, x, out)
		case string:
			out[key] = x
		}
	}
}

// T returns the message for key, formatted with args as fmt.Sprintf does.
func (c *Catalog) T(key string, args ...any) string {
	msg, ok := c.msgs[key]
	if !ok {
		if msg, ok = c.fallback[key]; !ok {
			msg = key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the catalog (not its fallback) holds key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys lists the keys of the catalog, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// FromLocale picks the language from the locale variables, the first set of
// LC_ALL, LC_MESSAGES, LANG: Korean for ko*, else English. getenv is
// os.Getenv in production, a map in tests.
func FromLocale(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "ko") {
				return "ko"
			}
			return "en"
		}
	}
	return "en"
}
