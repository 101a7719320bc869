package assets

import (
	"embed"
	"io/fs"
)

// The built-in entry policies, as EU business rules in CertLogic: one folder
// per policy with its policy.json and one folder per rule (rule.json in the
// gateway's format); see policies/README.md. The rules' tests/ stay out of
// the binary (90 kB of rules against 2 MB of tests): `passctl rules test
// assets/policies` runs them from the repository.
//
//go:embed policies/*/policy.json policies/*/*/rule.json
var policies embed.FS

// Policies returns the built-in policies' files rooted at the policies
// folder: NAME/policy.json and NAME/RULE-ID/rule.json, for kr-2021-12,
// eu-3g, 2g and 2g-plus.
func Policies() fs.FS {
	sub, err := fs.Sub(policies, "policies")
	if err != nil {
		panic("assets: policies are not embedded: " + err.Error())
	}
	return sub
}
