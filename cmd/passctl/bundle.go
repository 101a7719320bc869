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

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/atomicfile"
	"github.com/passgate/passgate/verify"
)

func init() {
	commands["bundle"] = command{"build or inspect a signed trust bundle (bundle build|inspect -h)", runBundle}
}

func runBundle(e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "build":
			return runBundleBuild(e, args[1:])
		case "inspect":
			return runBundleInspect(e, args[1:])
		case "-h", "-help", "--help", "help":
			fmt.Fprintln(e.stderr, "Usage: passctl bundle build|inspect [flags]   (passctl bundle build -h for its flags)")
			return flag.ErrHelp
		}
	}
	return fmt.Errorf("%w: passctl bundle build|inspect [flags]", errUsage)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

const revocationsHelp = `revocation list (repeatable): an EU gateway batch (JSON with hashType and
entries[].hash in base64), or text lines "TYPE HASH" (TYPE: UCI, COUNTRYCODEUCI,
SIGNATURE; what passctl hash prints) or bare "HASH" with -revocation-type;
HASH is hex (32 or 64 digits) or base64; longer than 16 bytes is truncated; # comments.
Each file becomes one segment per hash type in it`

func runBundleBuild(e *env, args []string) error {
	fs := newFlags(e, "bundle build", "-key SIGNING.key -seq N -out FILE [flags]")
	var o buildOptions
	fs.StringVar(&o.key, "key", "", "bundle-signing private key (from passctl keygen)")
	fs.Uint64Var(&o.seq, "seq", 0, "sequence number, above every earlier bundle's")
	fs.StringVar(&o.validFor, "valid-for", "72h", "how long the bundle stays fresh (e.g. 72h, 7d)")
	fs.StringVar(&o.issuedAt, "issued-at", "", "issue time, RFC 3339 (default: now); for reproducible fixtures")
	fs.Var(&o.certs, "cert", "DSC certificate file: PEM (several blocks allowed), DER or base64 (repeatable)")
	fs.Var(&o.certDirs, "certs-dir", "directory whose every file is a -cert (repeatable)")
	fs.Var(&o.trustlists, "trustlist", "signed DSC list in the German format (repeatable; needs -trustlist-key)")
	fs.StringVar(&o.trustlistKey, "trustlist-key", "", "PEM ECDSA P-256 public key that signs the -trustlist files")
	fs.Var(&o.revocations, "revocations", revocationsHelp)
	fs.StringVar(&o.revType, "revocation-type", "", "hash type of bare hashes in text revocation lists")
	fs.StringVar(&o.policy, "policy", "", "entry policy JSON file")
	fs.StringVar(&o.preset, "preset", "", "built-in entry policy: "+strings.Join(verify.PresetNames(), ", ")+" (default "+verify.DefaultPreset+")")
	fs.StringVar(&o.authority, "authority-pub", "", "health authority X25519 public key (from passctl keygen-authority): PEM file or base64")
	fs.StringVar(&o.out, "out", "", "write the bundle here")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	spec, priv, err := o.spec(e)
	if err != nil {
		return err
	}
	data, err := bundle.Sign(spec, priv)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(o.out, data, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	info, err := bundle.ReadInfo(data)
	if err != nil {
		return fmt.Errorf("read back %s: %w", o.out, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes): sequence %d, valid %s to %s\n  keys: %s\n  revocations: %s\n  policy: %s\n",
		o.out, len(data), info.Sequence, info.IssuedAt.Format(time.RFC3339), info.ValidUntil.Format(time.RFC3339),
		countryCounts(info), revocationCounts(info), info.Policy.Name)
	return nil
}

type buildOptions struct {
	key, validFor, issuedAt, trustlistKey, revType, policy, preset, authority, out string
	seq                                                                            uint64
	certs, certDirs, trustlists, revocations                                       stringList
}

// spec gathers the bundle's contents from the options' files.
func (o *buildOptions) spec(e *env) (*bundle.Spec, ed25519.PrivateKey, error) {
	switch {
	case o.key == "" || o.out == "" || o.seq == 0:
		return nil, nil, fmt.Errorf("%w: -key, -out and -seq (at least 1) are required", errUsage)
	case o.policy != "" && o.preset != "":
		return nil, nil, fmt.Errorf("%w: give -policy or -preset, not both", errUsage)
	case len(o.trustlists) > 0 && o.trustlistKey == "":
		return nil, nil, fmt.Errorf("%w: -trustlist needs -trustlist-key", errUsage)
	}
	priv, err := readSigningKey(o.key)
	if err != nil {
		return nil, nil, err
	}
	spec := &bundle.Spec{Sequence: o.seq, IssuedAt: e.now().UTC().Truncate(time.Second)}
	if o.issuedAt != "" {
		if spec.IssuedAt, err = time.Parse(time.RFC3339, o.issuedAt); err != nil {
			return nil, nil, fmt.Errorf("%w: -issued-at: %v", errUsage, err)
		}
	}
	d, err := verify.ParseDuration(o.validFor)
	if err != nil || d <= 0 {
		return nil, nil, fmt.Errorf("%w: -valid-for %q: want a positive duration such as 72h or 7d", errUsage, o.validFor)
	}
	spec.ValidUntil = spec.IssuedAt.Add(time.Duration(d))
	if spec.Keys, err = readCertFiles(o.certs, o.certDirs); err != nil {
		return nil, nil, err
	}
	tl, err := readTrustLists(o.trustlists, o.trustlistKey, e.stderr)
	if err != nil {
		return nil, nil, err
	}
	spec.Keys = append(spec.Keys, tl...)
	spec.Keys = dedupeKeys(spec.Keys)
	if spec.Revocations, err = o.readRevocations(); err != nil {
		return nil, nil, err
	}
	if spec.Policy, err = o.readPolicy(); err != nil {
		return nil, nil, err
	}
	if o.authority != "" {
		if spec.Authority, err = readAuthorityKey(o.authority); err != nil {
			return nil, nil, err
		}
	}
	return spec, priv, nil
}

// readRevocations reads each list into segments, one per hash type it
// holds: a list that did not change keeps its segments' SHA-256 from one
// bundle to the next, so a later delta sync need not send them again.
func (o *buildOptions) readRevocations() ([]bundle.RevocationSegment, error) {
	var def verify.HashType
	if o.revType != "" {
		var err error
		if def, err = verify.ParseHashType(strings.ToUpper(o.revType)); err != nil {
			return nil, fmt.Errorf("%w: -revocation-type: %v", errUsage, err)
		}
	}
	var out []bundle.RevocationSegment
	for _, f := range o.revocations {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read revocations: %w", err)
		}
		segs, err := bundle.ParseRevocations(b, def)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, segs...)
	}
	return out, nil
}

func (o *buildOptions) readPolicy() (verify.Policy, error) {
	if o.policy == "" {
		name := o.preset
		if name == "" {
			name = verify.DefaultPreset
		}
		p, err := verify.Preset(name)
		if err != nil {
			return p, fmt.Errorf("%w: -preset: %v", errUsage, err)
		}
		return p, nil
	}
	b, err := os.ReadFile(o.policy)
	if err != nil {
		return verify.Policy{}, fmt.Errorf("read policy: %w", err)
	}
	p, err := verify.ParsePolicy(b)
	if err != nil {
		return p, fmt.Errorf("%s: %w", o.policy, err)
	}
	return p, nil
}

func runBundleInspect(e *env, args []string) error {
	fs := newFlags(e, "bundle inspect", "[-key PUB] [-json] FILE")
	key := fs.String("key", "", "bundle-signing public key (PEM file or base64) to check the signature and segments with")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give one bundle file", errUsage)
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("inspect bundle: %w", err)
	}
	var info *bundle.Info
	sig := "not checked"
	if *key != "" {
		pub, err := readBundleKey(*key)
		if err != nil {
			return err
		}
		b, err := bundle.Load(data, pub, nil, e.now())
		if err != nil && !errors.Is(err, bundle.ErrExpired) {
			return fmt.Errorf("inspect %s: %w", path, err)
		}
		info, sig = b.Info(), "ok"
	} else if info, err = bundle.ReadInfo(data); err != nil {
		return fmt.Errorf("inspect %s: %w", path, err)
	}
	r := newInspectReport(path, len(data), info, sig, e.now())
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.print(e.stdout, info)
	return nil
}

func countryCounts(info *bundle.Info) string {
	m := info.KeysPerCountry()
	cs := make([]string, 0, len(m))
	for c, n := range m {
		cs = append(cs, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(cs)
	return fmt.Sprintf("%d from %d countries: %s", len(info.Keys), len(m), strings.Join(cs, ", "))
}

func revocationCounts(info *bundle.Info) string {
	m := info.Revocations()
	var parts []string
	for _, t := range verify.HashTypes() {
		parts = append(parts, fmt.Sprintf("%s %d", t, m[t]))
	}
	return fmt.Sprintf("%s (%d segments)", strings.Join(parts, ", "), len(info.Segments))
}

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
	Policy     verify.Policy     `json:"policy"`
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
		Revoked: map[string]int{}, Policy: info.Policy}
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

func (r *inspectReport) print(w io.Writer, info *bundle.Info) {
	state := "fresh"
	if r.Expired {
		state = "EXPIRED: the kiosk calls its trust stale"
	}
	sig := r.Signature
	if sig != "ok" {
		sig += " (give -key to check it and the segments)"
	}
	auth := "none"
	if r.Authority != nil {
		auth = "X25519 " + r.Authority["fingerprint"] + " (" + r.Authority["x25519"] + ")"
	}
	pj, _ := json.Marshal(r.Policy)
	fmt.Fprintf(w, "%s: passgate trust bundle, format version %d, %d bytes\n", r.File, r.Version, r.Bytes)
	fmt.Fprintf(w, "  sequence     %d\n  issued       %s\n  valid until  %s (%s)\n  signature    %s\n",
		r.Sequence, r.IssuedAt.Format(time.RFC3339), r.ValidUntil.Format(time.RFC3339), state, sig)
	fmt.Fprintf(w, "  keys         %s\n  revocations  %s\n", countryCounts(info), revocationCounts(info))
	for _, s := range r.Segments {
		fmt.Fprintf(w, "    segment    %-15s %9d  sha256:%s\n", s.Type, s.Count, s.SHA256)
	}
	fmt.Fprintf(w, "  policy       %s %s\n  authority    %s\n", r.Policy.Name, pj, auth)
}
