package app

import (
	"flag"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/i18n"
)

// overlay is a passgate flag that overrides a configuration key: the only
// kind of flag that changes how a kiosk is built.
type overlay struct {
	flag, key string
	usage     string // catalog key of the help
}

// overlays lists every override flag, once: the help of each says which
// key it overrides, and setup errors name the flag of a missing key.
func overlays() []overlay {
	return []overlay{
		{"db", "register.path", "flag.overlay.db"},
		{"camera", "camera.device", "flag.watch.camera"},
		{"replay", "camera.replay", "flag.watch.replay"},
		{"loop", "camera.loop", "flag.watch.loop"},
		{"size", "camera.size", "flag.watch.size"},
		{"fps", "camera.fps", "flag.watch.fps"},
		{"bundle", "trust.bundle_file", "flag.overlay.bundle"},
		{"bundle-file", "trust.bundle_file", "flag.sync.bundle_file"},
		{"bundle-key", "trust.bundle_key", "flag.verify.bundle_key"},
		{"policy", "trust.policy_preset", "flag.overlay.policy"},
		{"venue", "venue.id", "flag.headless.venue"},
		{"kiosk", "kiosk.id", "flag.headless.kiosk"},
		{"lang", "kiosk.language", "flag.verify.lang"},
		{"sound", "sound.enabled", "flag.headless.sound"},
		{"hook", "hook.command", "flag.headless.hook"},
		{"hub", "hub.url", "flag.sync.hub"},
		{"token-file", "hub.token_file", "flag.sync.token_file"},
		{"pull-every", "hub.pull_every", "flag.sync.pull_every"},
		{"push-every", "hub.push_every", "flag.sync.push_every"},
		{"log-level", "log.level", "flag.overlay.log_level"},
		{"log-file", "log.file", "flag.overlay.log_file"},
		{"log-format", "log.format", "flag.overlay.log_format"},
	}
}

// BindFlags defines the override flags named on fs, each with its help and
// the key it overrides ("(overrides [camera] size)"), collecting what is
// typed in ov for LoadConfig.
func BindFlags(fs *flag.FlagSet, c *i18n.Catalog, ov *config.Overrides, names ...string) {
	for _, name := range names {
		o, ok := findOverlay(func(o overlay) bool { return o.flag == name })
		if !ok {
			panic("app.BindFlags: no override flag --" + name) // a programming error, caught by every test
		}
		ov.Bind(fs, o.flag, o.key, c.T(o.usage)+" "+c.T("flag.overrides", config.DisplayKey(o.key)))
	}
}

func findOverlay(match func(overlay) bool) (overlay, bool) {
	for _, o := range overlays() {
		if match(o) {
			return o, true
		}
	}
	return overlay{}, false
}

// flagFor is the flag that overrides key, "" if none.
func flagFor(key string) string {
	if o, ok := findOverlay(func(o overlay) bool { return o.key == key }); ok {
		return "--" + o.flag
	}
	return ""
}

// LoadConfig reads the configuration a command runs on: the file at path,
// else the first of config.Paths, with the overrides on top. It is the
// built-in demo (config.Demo, overlaid) when demo is set, or, for the
// kiosk's own modes (demoIfNone), when no file exists and no flag names a
// trust bundle, a camera, a replay or a hub.
func LoadConfig(env *Env, path string, demo, demoIfNone bool, ov *config.Overrides) (config.Config, error) {
	over := ov.List()
	if path == "" {
		path = config.Find(env.Getenv)
	}
	if path == "" && !demo && demoIfNone {
		demo = !anyOf(ov, "trust.bundle_file", "trust.bundle_key", "camera.device", "camera.replay", "hub.url")
	}
	var (
		c   config.Config
		err error
	)
	if demo {
		c, err = config.Overlay(config.Demo(), env.Getenv, over...)
	} else {
		c, err = config.Load(path, env.Getenv, over...)
	}
	if err != nil {
		return c, setupErr(err)
	}
	return c, nil
}

func anyOf(ov *config.Overrides, keys ...string) bool {
	for _, k := range keys {
		if ov.Has(k) {
			return true
		}
	}
	return false
}
