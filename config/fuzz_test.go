package config_test

import (
	"testing"

	"github.com/passgate/passgate/config"
)

// FuzzParse: whatever the file holds, Parse returns a config or an error,
// never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(config.Sample()))
	f.Add([]byte("[camera]\nsize = \"12x\"\n"))
	f.Add([]byte("[[staff]]\nid = \"kim\"\npin_hash = \"$argon2id$v=19$m=19456,t=2,p=1$AAAA$BBBB\"\n"))
	f.Add([]byte("[kiosk]\nduplicate_window = \"14d\"\nverdict_seconds = -1\n"))
	getenv := func(k string) string { return map[string]string{"HOME": "/home/kiosk"}[k] }
	f.Fuzz(func(t *testing.T, data []byte) {
		config.Parse(data, "config.toml", getenv)
	})
}
