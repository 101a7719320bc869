package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/words"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/verify"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// verifyOptions are the flags of `passgate verify`.
type verifyOptions struct {
	bundle, bundleKey string
	signerCerts       multiFlag
	at                string
	json, decoded     bool
	lang              string
	image             string
	policy            string
}

// verify runs `passgate verify`: exit 0 valid, 1 not valid, 2 a usage or
// setup error.
func (p *cli) verify(_ context.Context, args []string) error {
	e, c := p.env, p.cat
	var o verifyOptions
	fs := p.flags("verify", "[flags] (PAYLOAD | - | --image FILE)", "usage.verify")
	fs.StringVar(&o.bundle, "bundle", "", c.T("flag.verify.bundle"))
	fs.StringVar(&o.bundleKey, "bundle-key", "", c.T("flag.verify.bundle_key"))
	fs.Var(&o.signerCerts, "signer-cert", c.T("flag.verify.signer_cert"))
	fs.StringVar(&o.at, "at", "", c.T("flag.verify.at"))
	fs.BoolVar(&o.json, "json", false, c.T("flag.verify.json"))
	fs.BoolVar(&o.decoded, "decoded", false, c.T("flag.verify.decoded"))
	fs.StringVar(&o.lang, "lang", "", c.T("flag.verify.lang"))
	fs.StringVar(&o.image, "image", "", c.T("flag.verify.image"))
	fs.StringVar(&o.policy, "policy", "", c.T("flag.verify.policy", strings.Join(presets.Names(), ", ")))
	if err := p.parse(fs, args, -1); err != nil {
		return err
	}
	if err := p.language(o.lang); err != nil {
		return err
	}
	c = p.cat
	fail := func(msg string) error { return command.Usagef("%s", msg) }

	at := e.Now()
	if o.at != "" {
		t, err := verify.ParseTime(o.at)
		if err != nil {
			return fail(c.T("cli.bad_time", o.at))
		}
		at = t
	}

	var checks verify.Checks
	payload, msg := readPayload(e, c, &o, fs.Args(), &checks)
	if msg != "" {
		return fail(msg)
	}
	vf, msg := buildVerifier(e, c, &o, at)
	if vf == nil {
		return fail(msg)
	}

	var vd *verify.Verdict
	var u *verify.Unverified
	if payload == nil { // the image held no readable code
		vd = &verify.Verdict{Status: verify.NotValid, Reasons: []verify.Reason{verify.Malformed, "picture"},
			Detail: "no QR code found in " + o.image}
	} else {
		vd, u = vf.Inspect(*payload, at)
	}
	if o.image != "" {
		vd.Checks.Picture = checks.Picture
	}

	if o.json {
		writeJSON(e.Stdout, vd, u, o.decoded)
	} else {
		zone := zoneOf(e)
		if t, err := time.Parse(time.RFC3339, o.at); err == nil && e.Getenv("TZ") == "" {
			zone = t.Location() // the clock the user named: "--at …+09:00" is read in +09:00
		}
		writeHuman(e.Stdout, c, words.NewTimes(c, zone), vd, at)
	}
	if vd.Status == verify.Valid {
		return nil
	}
	return command.Exit(ExitNotValid)
}

// readPayload gets the pass text from the argument, standard input or an
// image. It returns nil with no message when the image held no code.
func readPayload(e *app.Env, c *i18n.Catalog, o *verifyOptions, args []string, checks *verify.Checks) (*string, string) {
	switch {
	case o.image != "" && len(args) > 0:
		return nil, c.T("cli.too_many", len(args)+1)
	case o.image != "":
		l, err := scanner.LoadFile(o.image)
		if err != nil {
			return nil, c.T("cli.read_image", o.image, err)
		}
		res, err := (scanner.Decoder{}).Decode(l)
		checks.Set(verify.StagePicture, err == nil)
		if err != nil {
			return nil, ""
		}
		return &res.Text, ""
	case len(args) == 0:
		return nil, c.T("cli.no_payload")
	case len(args) > 1:
		return nil, c.T("cli.too_many", len(args))
	case args[0] == "-":
		b, err := io.ReadAll(io.LimitReader(e.Stdin, 1<<20))
		if err != nil {
			return nil, c.T("cli.read_stdin", err)
		}
		s := strings.TrimSpace(string(b))
		return &s, ""
	}
	s := strings.TrimSpace(args[0])
	return &s, ""
}

// buildVerifier assembles the trust set and policy from the flags. On
// failure it returns nil and a message.
func buildVerifier(e *app.Env, c *i18n.Catalog, o *verifyOptions, at time.Time) (*verify.Verifier, string) {
	vf := &verify.Verifier{}
	preset := o.policy
	if o.bundle != "" {
		b, msg := loadBundleFile(e, c, o, at)
		if b == nil {
			return nil, msg
		}
		vf.Trust = b
		vf.Policy = b.Policy()
	}
	if len(o.signerCerts) > 0 {
		var signers verify.Signers
		for _, s := range o.signerCerts {
			keys, err := readCertificates(s)
			if err != nil {
				return nil, c.T("cli.signer_cert", shorten(s), err)
			}
			signers = append(signers, keys...)
		}
		if vf.Trust != nil {
			vf.Trust = union{vf.Trust, signers}
		} else {
			vf.Trust = signers
		}
	}
	if vf.Trust == nil {
		return nil, c.T("cli.no_trust")
	}
	if preset == "" && o.bundle == "" {
		preset = presets.Default
	}
	if preset != "" {
		p, err := presets.Load(preset)
		if err != nil {
			return nil, err.Error()
		}
		if vf.Policy != nil { // the bundle's value sets still name the codes
			p = p.WithValueSets(vf.Policy.ValueSets)
		}
		vf.Policy = p
	}
	vf.Lang = c.Lang
	return vf, ""
}

// union is a trust set made of two: keys from both, revoked in either.
type union [2]verify.TrustSet

func (u union) Lookup(kid []byte) []*verify.Key {
	return append(u[0].Lookup(kid), u[1].Lookup(kid)...)
}

func (u union) Revoked(t verify.HashType, h [16]byte) bool {
	return u[0].Revoked(t, h) || u[1].Revoked(t, h)
}

// readCertificates reads DSCs given as a file (PEM with one or more
// certificates, or DER) or as base64 DER on the command line.
func readCertificates(s string) ([]*verify.Key, error) {
	// Base64 DER on the command line first: it cannot be a sensible file
	// name, and trying it as one fails with "file name too long".
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(data) == 0 || data[0] != 0x30 {
		if data, err = os.ReadFile(s); err != nil {
			return nil, fmt.Errorf("neither base64 DER nor a readable file: %w", err)
		}
	}
	var ders [][]byte
	if bytes.Contains(data, []byte("-----BEGIN")) {
		for {
			var blk *pem.Block
			blk, data = pem.Decode(data)
			if blk == nil {
				break
			}
			if blk.Type == "CERTIFICATE" {
				ders = append(ders, blk.Bytes)
			}
		}
		if len(ders) == 0 {
			return nil, errors.New("no CERTIFICATE block in PEM")
		}
	} else if der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data))); err == nil && len(der) > 0 {
		ders = append(ders, der) // a file holding base64
	} else {
		ders = append(ders, data) // DER
	}
	var keys []*verify.Key
	for _, der := range ders {
		k, err := verify.KeyFromCertificate(der)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// jsonVerdict is the --json output: the verdict, plus the decoded payload
// when asked for.
type jsonVerdict struct {
	*verify.Verdict
	Decoded any `json:"decoded,omitempty"`
}

func writeJSON(w io.Writer, vd *verify.Verdict, u *verify.Unverified, decoded bool) {
	out := jsonVerdict{Verdict: vd}
	if decoded && u != nil {
		out.Decoded = u.DCCJSON()
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(out)
}

// loadBundleFile reads and checks a signed trust bundle against the pinned
// key given with --bundle-key (base64 text or a PEM file).
func loadBundleFile(e *app.Env, c *i18n.Catalog, o *verifyOptions, at time.Time) (*bundle.Bundle, string) {
	if o.bundleKey == "" {
		return nil, c.T("cli.bundle_key_missing")
	}
	pub, err := pemfile.ReadKey(o.bundleKey, "", bundle.ParseKey)
	if err != nil {
		return nil, c.T("cli.bundle_key", err)
	}
	data, err := os.ReadFile(o.bundle)
	if err != nil {
		return nil, c.T("cli.bundle", o.bundle, err)
	}
	b, err := bundle.Load(data, pub, nil, at)
	if err != nil && !errors.Is(err, bundle.ErrExpired) {
		return nil, c.T("cli.bundle", o.bundle, err)
	}
	if err != nil { // expired: still the best trust there is; say so
		fmt.Fprintln(e.Stderr, c.T("cli.bundle_stale", err))
	}
	return b, ""
}

// zoneOf is the time zone of a command's human output when no kiosk
// configuration names one: $TZ as the process's environment gives it (an
// IANA name, ":Asia/Seoul" too), else the zone of the clock's readings
// (time.Local). JSON output stays in UTC.
func zoneOf(e *app.Env) *time.Location {
	if tz := strings.TrimPrefix(e.Getenv("TZ"), ":"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return e.Now().Location()
}
