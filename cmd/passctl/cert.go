package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/verify"
)

func init() {
	commands["cert"] = command{"make a test CSCA or a DSC with chosen key usage (cert csca|dsc -h)", runCert}
}

func runCert(e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "csca":
			return runCertCSCA(e, args[1:])
		case "dsc":
			return runCertDSC(e, args[1:])
		}
	}
	return fmt.Errorf("%w: passctl cert csca|dsc [flags]   (passctl cert dsc -h for its flags)", errUsage)
}

// certFlags are the subject and validity flags both kinds share.
type certFlags struct {
	out, country, cn, notBefore, notAfter string
	force                                 bool
}

func (c *certFlags) register(fs *flag.FlagSet, defaultLife string) {
	fs.StringVar(&c.out, "out", "", "write PREFIX.crt (PEM) and PREFIX.key (PEM PKCS#8, mode 0600)")
	fs.StringVar(&c.country, "country", "KR", "country of the subject (ISO 3166 alpha-2)")
	fs.StringVar(&c.cn, "cn", "", "common name (default names the country)")
	fs.StringVar(&c.notBefore, "not-before", "", "start of validity, date or RFC 3339 (default: now)")
	fs.StringVar(&c.notAfter, "not-after", "", "end of validity, date or RFC 3339 (default: not-before + "+defaultLife+")")
	fs.BoolVar(&c.force, "force", false, "overwrite existing files")
}

func (c *certFlags) options(e *env, life time.Duration) (issue.CertOptions, error) {
	o := issue.CertOptions{Country: strings.ToUpper(c.country), CommonName: c.cn}
	if c.out == "" {
		return o, fmt.Errorf("%w: -out PREFIX is required", errUsage)
	}
	var err error
	if o.NotBefore, err = parseWhen("not-before", c.notBefore, e.now().UTC().Truncate(time.Second)); err != nil {
		return o, err
	}
	if o.NotAfter, err = parseWhen("not-after", c.notAfter, o.NotBefore.Add(life)); err != nil {
		return o, err
	}
	return o, nil
}

func runCertCSCA(e *env, args []string) error {
	fs := newFlags(e, "cert csca", "-out PREFIX [-country KR] [-not-before T] [-not-after T]")
	var c certFlags
	c.register(fs, "10 years")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	o, err := c.options(e, 10*365*24*time.Hour)
	if err != nil {
		return err
	}
	id, err := issue.NewCSCA(o)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := id.Save(c.out, c.force); err != nil {
		return fmt.Errorf("write CSCA (use -force to overwrite): %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s.crt and %s.key: CSCA %s, valid %s to %s\n", c.out, c.out,
		id.Cert.Subject, o.NotBefore.Format(time.DateOnly), o.NotAfter.Format(time.DateOnly))
	return nil
}

func runCertDSC(e *env, args []string) error {
	fs := newFlags(e, "cert dsc", "-ca PREFIX -out PREFIX [-alg ES256|PS256] [-types v,t,r] [flags]")
	var c certFlags
	c.register(fs, "2 years")
	ca := fs.String("ca", "", "the CSCA that certifies it (PREFIX of passctl cert csca)")
	alg := fs.String("alg", "ES256", "signature algorithm: ES256 (ECDSA P-256) or PS256 (RSA-PSS 2048)")
	types := fs.String("types", "", "pass types named in the extended key usage: any of v, t, r, comma-separated; empty names none, which allows every type")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *ca == "" {
		return fmt.Errorf("%w: -ca PREFIX is required", errUsage)
	}
	o, err := c.options(e, 2*365*24*time.Hour)
	if err != nil {
		return err
	}
	d := issue.DSCOptions{CertOptions: o}
	if d.Algorithm, err = issue.ParseAlgorithm(*alg); err != nil {
		return fmt.Errorf("%w: -alg: %v", errUsage, err)
	}
	if d.Types, err = parseTypes(*types); err != nil {
		return fmt.Errorf("%w: -types: %v", errUsage, err)
	}
	csca, err := issue.Load(*ca)
	if err != nil {
		return fmt.Errorf("read CSCA: %w", err)
	}
	id, err := csca.NewDSC(d)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := id.Save(c.out, c.force); err != nil {
		return fmt.Errorf("write DSC (use -force to overwrite): %w", err)
	}
	usage := "every pass type (no DCC key usage)"
	if d.Types != 0 {
		usage = "only " + typeNames(d.Types)
	}
	fmt.Fprintf(e.stdout, "wrote %s.crt and %s.key: DSC %s, %s, kid %s, signs %s, valid %s to %s\n",
		c.out, c.out, id.Cert.Subject, d.Algorithm, base64.StdEncoding.EncodeToString(id.KID()), usage,
		o.NotBefore.Format(time.DateOnly), o.NotAfter.Format(time.DateOnly))
	return nil
}

var typeLetters = []struct {
	letter string
	t      verify.PassType
	name   string
}{{"v", verify.Vaccinated, "vaccination"}, {"t", verify.Tested, "test"}, {"r", verify.Recovered, "recovery"}}

func parseTypes(s string) (verify.PassType, error) {
	var t verify.PassType
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		found := false
		for _, l := range typeLetters {
			if f == l.letter || f == l.name {
				t |= l.t
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown pass type %q (known: v, t, r)", f)
		}
	}
	return t, nil
}

func typeNames(t verify.PassType) string {
	var names []string
	for _, l := range typeLetters {
		if t&l.t != 0 {
			names = append(names, l.name)
		}
	}
	return strings.Join(names, ", ")
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time; empty gives def.
func parseWhen(name, s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("%w: -%s %q: want a date (2021-12-13) or an RFC 3339 time (2021-12-13T12:00:00+09:00)", errUsage, name, s)
	}
	return t, nil
}
