package assets

import (
	"embed"
	"io/fs"
)

// The built-in value sets: a few entries of the EU DCC value sets, enough
// to name the common vaccines, makers and test types (see
// valuesets/README.md).
//
//go:embed valuesets/*.json
var valueSets embed.FS

// ValueSets returns the built-in value sets, one EU value-set file each,
// at the root of the returned file system.
func ValueSets() fs.FS {
	sub, err := fs.Sub(valueSets, "valuesets")
	if err != nil { // cannot happen: the folder is embedded
		panic(err)
	}
	return sub
}
