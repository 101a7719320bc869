package config

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Error is a problem with one key of the configuration file. Load returns
// them (joined with errors.Join when there are several); errors.As finds
// the first.
type Error struct {
	File string // the file, "" if none
	Line int    // 1-based, 0 if not known
	// Key is "section.key" ("kiosk.language"); staff keys are
	// "staff.N.key" with N from 1. "" for a syntax error.
	Key string
	// Flag is the command-line flag that set the key ("--size"), when one
	// did: the message names it instead of the file.
	Flag string
	Msg  string // what is wrong, and what is allowed

	err error // the cause, if any, for errors.Is
}

// Unwrap returns the cause, e.g. ErrNoBundleKey.
func (e *Error) Unwrap() error { return e.err }

func (e *Error) Error() string {
	var b strings.Builder
	if e.Flag != "" {
		fmt.Fprintf(&b, "%s (%s) %s", e.Flag, DisplayKey(e.Key), e.Msg)
		return b.String()
	}
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		b.WriteString(DisplayKey(e.Key) + " ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// DisplayKey writes a key as the file shows it: "[camera] size",
// "[[staff]] 2 pin_hash".
func DisplayKey(k string) string {
	sec, rest, _ := strings.Cut(k, ".")
	if sec == "staff" {
		return "[[staff]] " + strings.ReplaceAll(rest, ".", " ")
	}
	if rest == "" {
		return "[" + sec + "]"
	}
	return "[" + sec + "] " + rest
}

// allowed says, for every key, what values it takes: the second half of
// every error message, so the wording lives in one place.
var allowed = map[string]string{
	"venue.id":                "letters, digits, \"-\", \"_\" or \".\", up to 64 characters",
	"venue.name":              "text of up to 80 characters, on one line",
	"venue.secret_file":       "\"\" for the register's own secret, or the path of a file from passctl venue-secret (mode 0600)",
	"kiosk.id":                "letters, digits, \"-\", \"_\" or \".\", up to 64 characters",
	"kiosk.language":          "\"ko\", \"en\", or \"\" to follow the locale",
	"kiosk.kiosk_mode":        "true or false",
	"kiosk.verdict_seconds":   "a whole number of seconds from 1 to 600",
	"kiosk.duplicate_window":  "a duration from \"0s\" (off) to \"24h\"",
	"kiosk.pair_window":       "a duration from \"10s\" to \"10m\"",
	"kiosk.idle_timeout":      "a duration from \"10s\" to \"1h\"",
	"kiosk.time_zone":         "\"\" for the system's time zone, or an IANA time zone name such as \"Asia/Seoul\" or \"Europe/Berlin\"",
	"kiosk.clock_skew":        "a duration from \"10s\" to \"24h\"",
	"trust.bundle_key":        "the base64 key that passctl keygen prints, or the path of a PEM file",
	"trust.bundle_file":       "a file path",
	"trust.policy_preset":     "\"\" for the bundle's policy, or one of %s",
	"register.path":           "a file path",
	"register.retention_days": "a whole number of days from 1 to 3650",
	"hub.url":                 "\"\" to work offline, or http:// or https:// URLs (several replicas separated by commas)",
	"hub.token_file":          "the path of the file holding the kiosk's token",
	"hub.pull_every":          "a duration from \"1m\" to \"7d\"",
	"hub.push_every":          "a duration from \"1s\" to \"1h\"",
	"hub.other_doors_every":   "\"0s\" (a one-door venue) or a duration from \"1s\" to \"10m\"",
	"camera.device":           "\"\" for the first camera, or a label, path or part of a name from passgate devices",
	"camera.replay":           "\"\" for the camera, or a Y4M video or a directory of PNG, JPEG, WebP or PGM images",
	"camera.loop":             "true or false",
	"camera.size":             "WIDTHxHEIGHT, e.g. 1280x720",
	"camera.fps":              "a whole number from 1 to 120",
	"camera.preview":          "true or false",
	"sound.enabled":           "true or false",
	"sound.admit_wav":         "\"\" for the built-in sound, or the path of a WAV file",
	"sound.refuse_wav":        "\"\" for the built-in sound, or the path of a WAV file",
	"hook.command":            "\"\" for none, or a command for /bin/sh -c",
	"hook.timeout":            "a duration from \"100ms\" to \"1m\"",
	"log.level":               "\"debug\", \"info\", \"warn\" or \"error\"",
	"log.file":                "\"\" for standard error, or the path of a file to append to",
	"log.format":              "\"text\" or \"json\"",
	"staff.id":                "letters, digits, \"-\", \"_\" or \".\", up to 64 characters, different for each person",
	"staff.name":              "text of up to 80 characters, on one line",
	"staff.pin_hash":          "the argon2id string that passgate pin-hash prints",
}

// sectionKeys lists the keys of a section, for "unknown key" errors.
func sectionKeys(sec string) []string {
	var ks []string
	for k := range allowed {
		if s, name, _ := strings.Cut(k, "."); s == sec {
			ks = append(ks, name)
		}
	}
	slices.Sort(ks)
	return ks
}

func sections() []string {
	var ss []string
	for k := range allowed {
		s, _, _ := strings.Cut(k, ".")
		if s == "staff" {
			s = "[staff]"
		}
		if !slices.Contains(ss, s) {
			ss = append(ss, s)
		}
	}
	slices.Sort(ss)
	return ss
}

// decode reads the TOML over the defaults in c, in strict mode, and turns
// go-toml's errors into *Error.
func decode(data []byte, file string, c *Config) error {
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(c)
	if err == nil {
		return nil
	}
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var errs []error
		for i := range strict.Errors {
			errs = append(errs, unknownKey(file, &strict.Errors[i]))
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return untyped(data, file, err)
	}
	line, _ := de.Position()
	e := &Error{File: file, Line: line, Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	if k := de.Key(); len(k) >= 2 {
		e.Key = k[0] + "." + k[len(k)-1]
		// Errors from Duration and Size quote the value and say what is
		// allowed; go-toml's own type errors name Go types instead.
		if strings.HasPrefix(e.Msg, "cannot decode") || strings.Contains(e.Msg, "cannot be stored") {
			e.Msg = "has the wrong type: want " + wantFor(e.Key)
		}
	}
	return e
}

func unknownKey(file string, de *toml.DecodeError) error {
	line, _ := de.Position()
	k := de.Key()
	e := &Error{File: file, Line: line}
	switch {
	case len(k) == 0:
		e.Msg = "unknown key"
	case len(sectionKeys(k[0])) == 0:
		e.Msg = fmt.Sprintf("unknown section [%s]: want one of %s", k[0], strings.Join(sections(), ", "))
	case len(k) == 1:
		e.Msg = fmt.Sprintf("unknown key %q outside a section", k[0])
	default:
		e.Key = strings.Join(k, ".")
		e.Msg = fmt.Sprintf("is not a key: [%s] has %s", k[0], strings.Join(sectionKeys(k[0]), ", "))
	}
	return e
}

// textKeys are the keys whose values are strings parsed by the code
// (Duration, Size).
var textKeys = []string{"kiosk.duplicate_window", "kiosk.pair_window", "kiosk.idle_timeout", "kiosk.clock_skew", "hub.pull_every", "hub.push_every", "hub.other_doors_every", "hook.timeout", "camera.size"}

// untyped explains an error go-toml returns without a position: a number
// or boolean where a Duration or Size wants a string.
func untyped(data []byte, file string, err error) error {
	var doc map[string]any
	if toml.Unmarshal(data, &doc) == nil {
		for _, k := range textKeys {
			sec, name, _ := strings.Cut(k, ".")
			t, _ := doc[sec].(map[string]any)
			if v, ok := t[name]; ok {
				if _, isString := v.(string); !isString {
					return &Error{File: file, Key: k, Msg: fmt.Sprintf("%v is not in quotes: want a string, %s", v, wantFor(k)), err: err}
				}
			}
		}
	}
	return &Error{File: file, Msg: err.Error(), err: err}
}
