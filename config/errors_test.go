package config_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/config"
)

// TestBadValues: each bad value is an error that names its key, shows the
// value and says what is allowed.
func TestBadValues(t *testing.T) {
	getenv, dir := env(t)
	file := filepath.Join(dir, "config.toml")
	for _, tc := range []struct {
		doc, key string
		want     []string // in the message, besides the key
	}{
		{"[venue]\nid = \"club 7\"", "venue.id", []string{`"club 7"`, "letters, digits"}},
		{"[venue]\nname = \"a\\nb\"", "venue.name", []string{"one line"}},
		{"[venue]\nname = 7", "venue.name", []string{"wrong type", "text"}},
		{"[kiosk]\nid = \"" + strings.Repeat("k", 65) + "\"", "kiosk.id", []string{"up to 64"}},
		{"[kiosk]\nlanguage = \"fr\"", "kiosk.language", []string{`"fr"`, `"ko", "en"`}},
		{"[kiosk]\nkiosk_mode = \"yes\"", "kiosk.kiosk_mode", []string{"true or false"}},
		{"[kiosk]\nkiosk_mode = true", "kiosk.kiosk_mode", []string{"no [[staff]]"}},
		{"[kiosk]\nverdict_seconds = 0", "kiosk.verdict_seconds", []string{"0: want", "1 to 600"}},
		{"[kiosk]\nverdict_seconds = \"5s\"", "kiosk.verdict_seconds", []string{"wrong type", "whole number"}},
		{"[kiosk]\nduplicate_window = 300", "kiosk.duplicate_window", []string{"300 is not in quotes", `"24h"`}},
		{"[camera]\nsize = 1280", "camera.size", []string{"1280 is not in quotes", "WIDTHxHEIGHT"}},
		{"[kiosk]\nduplicate_window = \"2d\"", "kiosk.duplicate_window", []string{`"2d"`, `"24h"`}},
		{"[trust]\nbundle_key = \"nokey.pem\"", "trust.bundle_key", []string{`"nokey.pem"`, "base64", "PEM"}},
		{"[trust]\npolicy_preset = \"strict\"", "trust.policy_preset", []string{`"strict"`, "kr-2021-12"}},
		{"[register]\nretention_days = 0", "register.retention_days", []string{"1 to 3650"}},
		{"[register]\nretention_days = 28.5", "register.retention_days", []string{"wrong type"}},
		{"[hub]\nurl = \"hub.example.org\"\ntoken_file = \"t\"", "hub.url", []string{"https://"}},
		{"[hub]\nurl = \"https://hub.example.org\"", "hub.token_file", []string{"url is set"}},
		{"[hub]\nurl = \"https://a.example.org, ftp://b.example.org\"\ntoken_file = \"t\"", "hub.url", []string{"several replicas"}},
		{"[hub]\nurl = \" , \"\ntoken_file = \"t\"", "hub.url", []string{"https://"}},
		{"[kiosk]\npair_window = \"5s\"", "kiosk.pair_window", []string{`"10s"`, `"10m"`}},
		{"[kiosk]\nidle_timeout = \"5s\"", "kiosk.idle_timeout", []string{`"10s"`, `"1h"`}},
		{"[kiosk]\ntime_zone = \"Asia/Seul\"", "kiosk.time_zone", []string{`"Asia/Seul"`, "IANA", `"Asia/Seoul"`}},
		{"[kiosk]\ntime_zone = \"+09:00\"", "kiosk.time_zone", []string{`"+09:00"`, "IANA"}},
		{"[kiosk]\nclock_skew = \"1s\"", "kiosk.clock_skew", []string{`"1s"`, `"10s"`, `"24h"`}},
		{"[kiosk]\nclock_skew = 600", "kiosk.clock_skew", []string{"600 is not in quotes", `"10s"`, `"24h"`}},
		{"[hub]\npull_every = \"10s\"", "hub.pull_every", []string{`"10s"`, `"1m"`}},
		{"[hub]\npush_every = \"2h\"", "hub.push_every", []string{`"1h"`}},
		{"[camera]\nsize = \"12x\"", "camera.size", []string{`"12x"`, "WIDTHxHEIGHT, e.g. 1280x720"}},
		{"[camera]\nfps = 500", "camera.fps", []string{"500", "1 to 120"}},
		{"[camera]\npreview = 1", "camera.preview", []string{"true or false"}},
		{"[camera]\ndevice = 0", "camera.device", []string{"wrong type"}},
		{"[sound]\nenabled = \"no\"", "sound.enabled", []string{"true or false"}},
		{"[sound]\nadmit_wav = \"beep.wav\"", "sound.admit_wav", []string{"beep.wav", "WAV"}},
		{"[sound]\nrefuse_wav = \"/\"", "sound.refuse_wav", []string{"WAV"}},
		{"[hook]\ncommand = [\"relay\"]", "hook.command", []string{"wrong type", "/bin/sh"}},
		{"[hook]\ntimeout = \"10ms\"", "hook.timeout", []string{`"100ms"`}},
		{"[[staff]]\nid = \"\"\npin_hash = \"x\"", "staff.1.id", []string{"different for each"}},
		{"[[staff]]\nid = \"a\"\nname = \"\\u0007\"\npin_hash = \"x\"", "staff.1.name", []string{"one line"}},
		{"[[staff]]\nid = \"kim\"\npin_hash = \"1234\"", "staff.1.pin_hash", []string{"argon2id", "pin-hash"}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			_, err := config.Parse([]byte(tc.doc), file, getenv)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if ce.Key != tc.key {
				t.Errorf("key %q, want %q (%v)", ce.Key, tc.key, err)
			}
			msg := err.Error()
			sec, rest, _ := strings.Cut(tc.key, ".")
			shown := "[" + sec + "] " + rest
			if sec == "staff" {
				shown = "[[staff]] " + strings.ReplaceAll(rest, ".", " ")
			}
			for _, w := range append([]string{file + ":", shown}, tc.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	getenv, _ := env(t)
	_, err := config.Parse([]byte("[camera]\nsize = \"12x\""), "config.toml", getenv)
	const want = `config.toml:2: [camera] size "12x": want WIDTHxHEIGHT, e.g. 1280x720 (16 to 8192 each)`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestUnknownKeys(t *testing.T) {
	getenv, _ := env(t)
	doc := "[venue]\nname = \"x\"\n[kiosk]\nlanguge = \"ko\"\n[camera]\nfsp = 30\n[printer]\nport = 1\n"
	_, err := config.Parse([]byte(doc), "config.toml", getenv)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		"config.toml:4: [kiosk] languge is not a key: [kiosk] has clock_skew, duplicate_window, id, idle_timeout, kiosk_mode, language, pair_window, time_zone, verdict_seconds",
		"config.toml:6: [camera] fsp is not a key",
		"config.toml:7: unknown section [printer]: want one of [staff], camera, hook, hub, kiosk, log, register, sound, trust, venue",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	_, err = config.Parse([]byte("[[staff]]\nid = \"a\"\npin = \"1234\"\n"), "config.toml", getenv)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Key != "staff.pin" || ce.Line != 3 {
		t.Errorf("staff pin: %#v", ce)
	}
}

func TestSyntaxError(t *testing.T) {
	getenv, _ := env(t)
	_, err := config.Parse([]byte("[venue]\nname = \"unclosed\n"), "config.toml", getenv)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Line != 2 || !strings.HasPrefix(err.Error(), "config.toml:2: ") {
		t.Errorf("err = %v", err)
	}
}

func TestSeveralErrors(t *testing.T) {
	getenv, _ := env(t)
	_, err := config.Parse([]byte("[kiosk]\nverdict_seconds = 0\n[camera]\nfps = 0\n"), "c.toml", getenv)
	if err == nil || !strings.Contains(err.Error(), "verdict_seconds") || !strings.Contains(err.Error(), "fps") {
		t.Errorf("want both keys reported: %v", err)
	}
}
