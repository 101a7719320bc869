package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/atomicfile"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/verify"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func (c *cli) bundleBuild(fs *flag.FlagSet, args []string) error {
	var o buildOptions
	o.register(c.cat, fs)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	spec, priv, err := o.spec(c)
	if err != nil {
		return err
	}
	data, err := bundle.Sign(spec, priv)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(o.out, data, 0o644); err != nil {
		return command.Errorf(c.cat, "passctl.bundle.write", err)
	}
	info, err := bundle.ReadInfo(data)
	if err != nil {
		return command.Errorf(c.cat, "passctl.bundle.read_back", o.out, err)
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.bundle.wrote", o.out, len(data), info.Sequence,
		info.IssuedAt.Format(time.RFC3339), info.ValidUntil.Format(time.RFC3339)))
	fmt.Fprintln(c.stdout, c.cat.T("passctl.bundle.wrote_keys", countryCounts(c.cat, info)))
	fmt.Fprintln(c.stdout, c.cat.T("passctl.bundle.wrote_revocations", revocationCounts(c.cat, info)))
	fmt.Fprintln(c.stdout, c.cat.T("passctl.bundle.wrote_policy", info.Policy.Name, info.Policy.Country, len(info.Policy.Rules), len(info.Policy.ValueSets)))
	return nil
}

type buildOptions struct {
	key, validFor, issuedAt, trustlistKey, revType, authority, out string
	seq                                                            uint64
	certs, certDirs, trustlists, revocations                       stringList
	policy                                                         policySource
}

func (o *buildOptions) register(cat *i18n.Catalog, fs *flag.FlagSet) {
	u := func(name string, args ...any) string { return cat.T("passctl.flag.bundle_build."+name, args...) }
	fs.StringVar(&o.key, "key", "", u("key"))
	fs.Uint64Var(&o.seq, "seq", 0, u("seq"))
	fs.StringVar(&o.validFor, "valid-for", "72h", u("valid_for"))
	fs.StringVar(&o.issuedAt, "issued-at", "", u("issued_at"))
	fs.Var(&o.certs, "cert", u("cert"))
	fs.Var(&o.certDirs, "certs-dir", u("certs_dir"))
	fs.Var(&o.trustlists, "trustlist", u("trustlist"))
	fs.StringVar(&o.trustlistKey, "trustlist-key", "", u("trustlist_key"))
	fs.Var(&o.revocations, "revocations", u("revocations"))
	fs.StringVar(&o.revType, "revocation-type", "", u("revocation_type"))
	o.policy.register(cat, fs)
	fs.StringVar(&o.authority, "authority-pub", "", u("authority_pub"))
	fs.StringVar(&o.out, "out", "", u("out"))
}

// spec gathers the bundle's contents from the options' files.
func (o *buildOptions) spec(c *cli) (*bundle.Spec, ed25519.PrivateKey, error) {
	switch {
	case o.key == "" || o.out == "" || o.seq == 0:
		return nil, nil, command.UsageKey(c.cat, "passctl.bundle.required")
	case len(o.trustlists) > 0 && o.trustlistKey == "":
		return nil, nil, command.UsageKey(c.cat, "passctl.bundle.trustlist_key")
	}
	priv, err := readSigningKey(c.cat, o.key)
	if err != nil {
		return nil, nil, err
	}
	spec := &bundle.Spec{Sequence: o.seq, IssuedAt: c.now().UTC().Truncate(time.Second)}
	if o.issuedAt != "" {
		if spec.IssuedAt, err = time.Parse(time.RFC3339, o.issuedAt); err != nil {
			return nil, nil, command.Usagef("-issued-at: %v", err)
		}
	}
	d, err := verify.ParseDuration(o.validFor)
	if err != nil || d <= 0 {
		return nil, nil, command.UsageKey(c.cat, "passctl.bad_duration", "-valid-for", o.validFor)
	}
	spec.ValidUntil = spec.IssuedAt.Add(time.Duration(d))
	if spec.Keys, err = readCertFiles(c.cat, o.certs, o.certDirs); err != nil {
		return nil, nil, err
	}
	tl, err := readTrustLists(c.cat, o.trustlists, o.trustlistKey, c.stderr)
	if err != nil {
		return nil, nil, err
	}
	spec.Keys = append(spec.Keys, tl...)
	spec.Keys = dedupeKeys(spec.Keys)
	if spec.Revocations, err = o.readRevocations(c.cat); err != nil {
		return nil, nil, err
	}
	if spec.Policy, err = o.policy.read(c.cat, c.stderr); err != nil {
		return nil, nil, err
	}
	if o.authority != "" {
		if spec.Authority, err = readAuthorityKey(c.cat, o.authority); err != nil {
			return nil, nil, err
		}
	}
	return spec, priv, nil
}

// readRevocations reads each list into segments, one per hash type it
// holds: a list that did not change keeps its segments' SHA-256 from one
// bundle to the next, so a later delta sync need not send them again.
func (o *buildOptions) readRevocations(cat *i18n.Catalog) ([]bundle.RevocationSegment, error) {
	var def verify.HashType
	if o.revType != "" {
		var err error
		if def, err = verify.ParseHashType(strings.ToUpper(o.revType)); err != nil {
			return nil, command.Usagef("-revocation-type: %v", err)
		}
	}
	var out []bundle.RevocationSegment
	for _, f := range o.revocations {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, command.Errorf(cat, "passctl.bundle.read_revocations", err)
		}
		segs, err := bundle.ParseRevocations(b, def)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, segs...)
	}
	return out, nil
}

func (c *cli) bundleInspect(fs *flag.FlagSet, args []string) error {
	key := fs.String("key", "", c.cat.T("passctl.flag.bundle_inspect.key"))
	asJSON := fs.Bool("json", false, c.cat.T("passctl.flag.bundle_inspect.json"))
	if err := command.Parse(c.cat, fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return command.UsageKey(c.cat, "passctl.bundle.no_file")
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return command.Errorf(c.cat, "passctl.bundle.read", err)
	}
	var info *bundle.Info
	sig := sigUnchecked
	if *key != "" {
		pub, err := readBundleKey(*key)
		if err != nil {
			return fmt.Errorf("-key: %w", err)
		}
		b, err := bundle.Load(data, pub, nil, c.now())
		if err != nil && !errors.Is(err, bundle.ErrExpired) {
			return command.Errorf(c.cat, "passctl.bundle.inspect", path, err)
		}
		info, sig = b.Info(), sigOK
	} else if info, err = bundle.ReadInfo(data); err != nil {
		return command.Errorf(c.cat, "passctl.bundle.inspect", path, err)
	}
	r := newInspectReport(path, len(data), info, sig, c.now())
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.print(c.cat, c.stdout, info)
	return nil
}

func countryCounts(cat *i18n.Catalog, info *bundle.Info) string {
	m := info.KeysPerCountry()
	cs := make([]string, 0, len(m))
	for c, n := range m {
		cs = append(cs, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(cs)
	return cat.T("passctl.bundle.keys", len(info.Keys), len(m), strings.Join(cs, ", "))
}

func revocationCounts(cat *i18n.Catalog, info *bundle.Info) string {
	m := info.Revocations()
	var parts []string
	for _, t := range verify.HashTypes() {
		parts = append(parts, fmt.Sprintf("%s %d", t, m[t]))
	}
	return cat.T("passctl.bundle.revocations", strings.Join(parts, ", "), len(info.Segments))
}

// The signature states of a report, as JSON gives them.
const (
	sigOK        = "ok"
	sigUnchecked = "not checked"
)

// inspectReport is what bundle inspect prints, as text or JSON.
type inspectReport struct {
	File       string            `json:"file"`
	Bytes      int               `json:"bytes"`
	Version    int               `json:"version"`
	Sequence   uint64            `json:"sequence"`
	IssuedAt   time.Time         `json:"issued_at"`
	ValidUntil time.Time         `json:"valid_until"`
	Expired    bool              `json:"expired"`
	Signature  string            `json:"signature"` // "ok" or "not checked"
	Keys       int               `json:"keys"`
	Countries  map[string]int    `json:"keys_per_country"`
	Revoked    map[string]int    `json:"revocations"`
	Segments   []inspectSegment  `json:"segments"`
	Policy     inspectPolicy     `json:"policy"`
	Authority  map[string]string `json:"authority,omitempty"`
}

type inspectSegment struct {
	Type   string `json:"type"`
	Count  int    `json:"count"`
	SHA256 string `json:"sha256"`
}

func newInspectReport(path string, size int, info *bundle.Info, sig string, now time.Time) *inspectReport {
	r := &inspectReport{File: path, Bytes: size, Version: info.Version, Sequence: info.Sequence,
		IssuedAt: info.IssuedAt, ValidUntil: info.ValidUntil, Expired: now.After(info.ValidUntil),
		Signature: sig, Keys: len(info.Keys), Countries: info.KeysPerCountry(),
		Revoked: map[string]int{}, Policy: policyReport(info)}
	for t, n := range info.Revocations() {
		r.Revoked[t.String()] = n
	}
	for _, s := range info.Segments {
		r.Segments = append(r.Segments, inspectSegment{s.Type.String(), s.Count, hex.EncodeToString(s.SHA256[:])})
	}
	if info.Authority != nil {
		r.Authority = map[string]string{"x25519": base64.StdEncoding.EncodeToString(info.Authority.Bytes()),
			"fingerprint": authorityFingerprint(info.Authority)}
	}
	return r
}

// print writes the report as text: a column of labels in the catalog's
// language, the values aligned after them.
func (r *inspectReport) print(cat *i18n.Catalog, w io.Writer, info *bundle.Info) {
	state := cat.T("passctl.inspect.fresh")
	if r.Expired {
		state = cat.T("passctl.inspect.expired")
	}
	sig := cat.T("passctl.inspect.sig_ok")
	if r.Signature != sigOK {
		sig = cat.T("passctl.inspect.sig_unchecked")
	}
	auth := cat.T("passctl.inspect.no_authority")
	if r.Authority != nil {
		auth = "X25519 " + r.Authority["fingerprint"] + " (" + r.Authority["x25519"] + ")"
	}
	label := func(name string) string { return cat.T("passctl.inspect." + name) }
	rows := [][2]string{
		{label("sequence"), fmt.Sprint(r.Sequence)},
		{label("issued"), r.IssuedAt.Format(time.RFC3339)},
		{label("valid_until"), r.ValidUntil.Format(time.RFC3339) + " (" + state + ")"},
		{label("signature"), sig},
		{label("keys"), countryCounts(cat, info)},
		{label("revocations"), revocationCounts(cat, info)},
	}
	tail := [][2]string{
		{label("policy"), cat.T("passctl.inspect.policy_line", r.Policy.Name, r.Policy.Country, r.Policy.Rules, len(r.Policy.ValueSets), r.Policy.SHA256[:16])},
		{label("authority"), auth},
	}
	segment := label("segment")
	width := ansi.StringWidth(segment) + 2 // segments are indented two more
	for _, row := range append(rows, tail...) {
		width = max(width, ansi.StringWidth(row[0]))
	}
	fmt.Fprintln(w, cat.T("passctl.inspect.head", r.File, r.Version, r.Bytes))
	for _, row := range rows {
		fmt.Fprintf(w, "  %s  %s\n", pad(row[0], width), row[1])
	}
	for _, s := range r.Segments {
		fmt.Fprintf(w, "    %s  %-15s %9d  sha256:%s\n", pad(segment, width-2), s.Type, s.Count, s.SHA256)
	}
	for _, row := range tail {
		fmt.Fprintf(w, "  %s  %s\n", pad(row[0], width), row[1])
	}
}

// pad fills s with spaces to width columns of a terminal, where a Hangul
// syllable takes two.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-ansi.StringWidth(s)))
}
