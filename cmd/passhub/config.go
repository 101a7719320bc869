package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

// The configuration file (--config FILE, or $PASSHUB_CONFIG) holds what the
// flags hold, so that a systemd unit and the admin commands run by hand name
// the same store:
//
//	[store]
//	url = "postgres://passhub@/passhub?host=/run/postgresql"   # or
//	data = "/var/lib/passhub"
//
//	[serve]
//	addr = ":8443"
//	tls_cert = "/etc/passhub/cert.pem"
//	retention_days = 28
//
// A key of [serve] is the flag of `passhub serve` of the same name, with _
// for -; [store] has url (--store) and data (--data). A flag given on the
// command line wins over the file. Admin commands read [store] only.
const configEnv = "PASSHUB_CONFIG"

// storeKeys are the keys of [store] and the flags they set.
var storeKeys = map[string]string{"url": "store", "data": "data"}

// configFlag adds --config to a flag set; its default is $PASSHUB_CONFIG.
func (c *cli) configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", c.getenv(configEnv), c.cat.T("passhub.flag.config"))
}

// applyConfig reads the configuration file and sets, from its [store] and,
// when serve is true, its [serve] table, each flag of fs not given on the
// command line. Errors name the file and the key.
func applyConfig(cat *i18n.Catalog, fs *flag.FlagSet, path string, serve bool) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return command.Errorf(cat, "passhub.config.read", path, err)
	}
	var top map[string]any
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&top); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return command.UsageKey(cat, "passhub.config.syntax", path, row, col, de.Error())
		}
		return command.UsageKey(cat, "passhub.config.syntax", path, 0, 0, err.Error())
	}
	tables := map[string]map[string]any{}
	for _, name := range sortedKeys(top) {
		t, ok := top[name].(map[string]any)
		switch {
		case !ok:
			return command.UsageKey(cat, "passhub.config.tables", path, name)
		case name != "store" && name != "serve":
			return command.UsageKey(cat, "passhub.config.table", path, name)
		}
		tables[name] = t
	}
	if _, url := tables["store"]["url"]; url {
		if _, data := tables["store"]["data"]; data {
			return command.UsageKey(cat, "passhub.config.both", path)
		}
	}
	// --store or --data on the command line names the store: the file's
	// [store] is not used at all then.
	given := command.Given(fs, "store") || command.Given(fs, "data")
	for _, key := range sortedKeys(tables["store"]) {
		if given {
			break
		}
		flagName, ok := storeKeys[key]
		if !ok {
			return command.UsageKey(cat, "passhub.config.key", path, "store."+key, "url, data")
		}
		if err := setFlag(cat, fs, path, "store."+key, flagName, tables["store"][key]); err != nil {
			return err
		}
	}
	if u, ok := tables["store"]["url"].(string); ok && hasPassword(u) {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return command.UsageKey(cat, "passhub.config.mode", path, fmt.Sprintf("%04o", fi.Mode().Perm()))
		}
	}
	if !serve {
		return nil
	}
	var known []string
	fs.VisitAll(func(f *flag.Flag) {
		if _, isStore := storeKeys[f.Name]; f.Name != "config" && !isStore && f.Name != "store" {
			known = append(known, strings.ReplaceAll(f.Name, "-", "_"))
		}
	})
	for _, key := range sortedKeys(tables["serve"]) {
		flagName := strings.ReplaceAll(key, "_", "-")
		if fs.Lookup(flagName) == nil || flagName == "config" || flagName == "store" || flagName == "data" {
			return command.UsageKey(cat, "passhub.config.key", path, "serve."+key, strings.Join(known, ", "))
		}
		if err := setFlag(cat, fs, path, "serve."+key, flagName, tables["serve"][key]); err != nil {
			return err
		}
	}
	return nil
}

// setFlag sets flag name from the file's value unless the command line gave
// it.
func setFlag(cat *i18n.Catalog, fs *flag.FlagSet, path, key, name string, v any) error {
	if command.Given(fs, name) {
		return nil
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case int64, bool, float64:
		s = fmt.Sprint(v)
	default:
		return command.UsageKey(cat, "passhub.config.value", path, key, fmt.Sprint(v))
	}
	if err := fs.Set(name, s); err != nil {
		return command.UsageKey(cat, "passhub.config.value", path, key, err.Error())
	}
	return nil
}

func hasPassword(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return strings.Contains(s, "password")
	}
	_, set := u.User.Password()
	return set || u.Query().Has("password")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
