package config

import _ "embed"

//go:embed sample.toml
var sample string

// Sample returns the commented sample configuration that passgate init
// writes: every key, what it means, what it allows, set to its default.
func Sample() string { return sample }
