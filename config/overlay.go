package config

import (
	"encoding"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Override is a flag given on the command line that sets a key of the
// configuration: the flag wins over the file. Every override is a key the
// sample documents, so what a flag does is what the key does.
type Override struct {
	Key   string // "camera.size"
	Value string // as typed: "640x480"
	Flag  string // "--size", for messages
}

// pathKeys are the keys whose values are file paths: an override's
// relative path is taken from the working directory, where the user typed
// it.
var pathKeys = []string{"register.path", "trust.bundle_file", "hub.token_file", "venue.secret_file", "sound.admit_wav",
	"sound.refuse_wav", "camera.replay", "log.file"}

// apply sets each override's key from its text, as the file would.
func (c *Config) apply(over []Override) error {
	for _, o := range over {
		if err := c.set(o); err != nil {
			return err
		}
		if c.Overridden == nil {
			c.Overridden = map[string]string{}
		}
		c.Overridden[o.Key] = o.Flag
	}
	return nil
}

func (c *Config) set(o Override) error {
	fail := func(msg string) error {
		return &Error{Key: o.Key, Flag: o.Flag, Msg: msg}
	}
	v, ok := field(reflect.ValueOf(c).Elem(), o.Key)
	if !ok {
		return fail("is not a key of the configuration")
	}
	value := o.Value
	if slices.Contains(pathKeys, o.Key) && value != "" && !filepath.IsAbs(value) {
		if abs, err := filepath.Abs(value); err == nil {
			value = abs
		}
	}
	if o.Key == "trust.bundle_key" && !filepath.IsAbs(value) {
		if _, err := os.Stat(value); err == nil { // a key file, not the key itself
			if abs, err := filepath.Abs(value); err == nil {
				value = abs
			}
		}
	}
	bad := func() error { return fail(fmt.Sprintf("%q: want %s", o.Value, wantFor(o.Key))) }
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := u.UnmarshalText([]byte(value)); err != nil {
			return fail(err.Error())
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(value)
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return bad()
		}
		v.SetBool(b)
	case reflect.Int:
		n, err := strconv.Atoi(value)
		if err != nil {
			return bad()
		}
		v.SetInt(int64(n))
	default:
		return fail("cannot be set from the command line")
	}
	return nil
}

// field finds the struct field of "section.key" by the toml tags.
func field(v reflect.Value, key string) (reflect.Value, bool) {
	for _, name := range strings.Split(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		found := false
		t := v.Type()
		for i := range t.NumField() {
			if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); tag == name && tag != "-" {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return reflect.Value{}, false
		}
	}
	return v, v.IsValid()
}

// Overrides collects the flags of a command that override configuration
// keys. Bind each flag, parse the flag set, then pass List to Load.
type Overrides struct {
	list []Override
}

// Bind defines --name on fs as an override of key. usage is the flag's
// help, already translated; the key it overrides is added by the caller
// when it wants (the help says which key in the catalog's words). A bool
// key makes a bool flag (--sound, --sound=false).
func (o *Overrides) Bind(fs *flag.FlagSet, name, key, usage string) {
	set := func(s string) error {
		o.list = append(o.list, Override{Key: key, Value: s, Flag: "--" + name})
		return nil
	}
	if v, ok := field(reflect.ValueOf(&Config{}).Elem(), key); ok && v.Kind() == reflect.Bool {
		fs.BoolFunc(name, usage, set)
		return
	}
	fs.Func(name, usage, set)
}

// List returns the overrides given, in the order they were typed.
func (o *Overrides) List() []Override { return slices.Clone(o.list) }

// Has reports whether a flag set key.
func (o *Overrides) Has(key string) bool {
	return slices.ContainsFunc(o.list, func(ov Override) bool { return ov.Key == key })
}
