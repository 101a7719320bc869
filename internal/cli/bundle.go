package cli

import (
	"errors"
	"os"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/i18n"
)

// loadBundleFile reads and checks a signed trust bundle against the pinned
// key given with --bundle-key (base64 text or a PEM file).
func loadBundleFile(e *Env, c *i18n.Catalog, o *verifyOptions, at time.Time) (*bundle.Bundle, string) {
	if o.bundleKey == "" {
		return nil, c.T("cli.bundle_key_missing")
	}
	keyText := o.bundleKey
	if b, err := os.ReadFile(o.bundleKey); err == nil {
		keyText = string(b)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, c.T("cli.bundle_key", err)
	}
	pub, err := bundle.ParseKey(keyText)
	if err != nil {
		return nil, c.T("cli.bundle_key", err)
	}
	data, err := os.ReadFile(o.bundle)
	if err != nil {
		return nil, c.T("cli.bundle", o.bundle, err)
	}
	b, err := bundle.Load(data, pub, nil, at)
	if err != nil && !errors.Is(err, bundle.ErrExpired) {
		return nil, c.T("cli.bundle", o.bundle, err)
	}
	if err != nil { // expired: still the best trust there is; say so
		e.Stderr.Write([]byte(c.T("cli.bundle_stale", err) + "\n"))
	}
	return b, ""
}
