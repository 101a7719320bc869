package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/verify"
)

// certFlags are the subject and validity flags both kinds share.
type certFlags struct {
	out, country, cn, notBefore, notAfter string
	force                                 bool
}

// register adds the flags; a certificate lives years years by default.
func (f *certFlags) register(cat *i18n.Catalog, fs *flag.FlagSet, years int) {
	fs.StringVar(&f.out, "out", "", cat.T("passctl.flag.cert.out"))
	fs.StringVar(&f.country, "country", "KR", cat.T("passctl.flag.cert.country"))
	fs.StringVar(&f.cn, "cn", "", cat.T("passctl.flag.cert.cn"))
	fs.StringVar(&f.notBefore, "not-before", "", cat.T("passctl.flag.cert.not_before"))
	fs.StringVar(&f.notAfter, "not-after", "", cat.T("passctl.flag.cert.not_after", years))
	fs.BoolVar(&f.force, "force", false, cat.T("passctl.flag.force"))
}

func (f *certFlags) options(c *cli, life time.Duration) (issue.CertOptions, error) {
	o := issue.CertOptions{Country: strings.ToUpper(f.country), CommonName: f.cn}
	if f.out == "" {
		return o, command.UsageKey(c.cat, "passctl.required", "-out PREFIX")
	}
	var err error
	if o.NotBefore, err = parseWhen(c.cat, "not-before", f.notBefore, c.now().UTC().Truncate(time.Second)); err != nil {
		return o, err
	}
	if o.NotAfter, err = parseWhen(c.cat, "not-after", f.notAfter, o.NotBefore.Add(life)); err != nil {
		return o, err
	}
	return o, nil
}

func (c *cli) certCSCA(fs *flag.FlagSet, args []string) error {
	var f certFlags
	f.register(c.cat, fs, 10)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	o, err := f.options(c, 10*365*24*time.Hour)
	if err != nil {
		return err
	}
	id, err := issue.NewCSCA(o)
	if err != nil {
		return command.Usagef("%v", err)
	}
	if err := id.Save(f.out, f.force); err != nil {
		return command.Errorf(c.cat, "passctl.cert.write_csca", err)
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.cert.wrote_csca", f.out, f.out, id.Cert.Subject,
		o.NotBefore.Format(time.DateOnly), o.NotAfter.Format(time.DateOnly)))
	return nil
}

func (c *cli) certDSC(fs *flag.FlagSet, args []string) error {
	var f certFlags
	f.register(c.cat, fs, 2)
	ca := fs.String("ca", "", c.cat.T("passctl.flag.cert.ca"))
	alg := fs.String("alg", "ES256", c.cat.T("passctl.flag.cert.alg"))
	types := fs.String("types", "", c.cat.T("passctl.flag.cert.types"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *ca == "" {
		return command.UsageKey(c.cat, "passctl.required", "-ca PREFIX")
	}
	o, err := f.options(c, 2*365*24*time.Hour)
	if err != nil {
		return err
	}
	d := issue.DSCOptions{CertOptions: o}
	if d.Algorithm, err = issue.ParseAlgorithm(*alg); err != nil {
		return command.Usagef("-alg: %v", err)
	}
	if d.Types, err = parseTypes(c.cat, *types); err != nil {
		return command.Usagef("-types: %v", err)
	}
	csca, err := issue.Load(*ca)
	if err != nil {
		return command.Errorf(c.cat, "passctl.cert.read_csca", err)
	}
	id, err := csca.NewDSC(d)
	if err != nil {
		return command.Usagef("%v", err)
	}
	if err := id.Save(f.out, f.force); err != nil {
		return command.Errorf(c.cat, "passctl.cert.write_dsc", err)
	}
	signs := c.cat.T("passctl.cert.signs_all")
	if d.Types != 0 {
		signs = c.cat.T("passctl.cert.signs_only", typeNames(c.cat, d.Types))
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.cert.wrote_dsc", f.out, f.out, id.Cert.Subject, d.Algorithm,
		base64.StdEncoding.EncodeToString(id.KID()), signs, o.NotBefore.Format(time.DateOnly), o.NotAfter.Format(time.DateOnly)))
	return nil
}

// passType is a pass type as -types takes it: a letter or the English name,
// which also names its catalog key (passctl.type.NAME).
type passType struct {
	letter string
	t      verify.PassType
	name   string
}

func passTypes() [3]passType {
	return [3]passType{{"v", verify.Vaccinated, "vaccination"}, {"t", verify.Tested, "test"}, {"r", verify.Recovered, "recovery"}}
}

func parseTypes(cat *i18n.Catalog, s string) (verify.PassType, error) {
	var t verify.PassType
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		found := false
		for _, l := range passTypes() {
			if f == l.letter || f == l.name {
				t |= l.t
				found = true
			}
		}
		if !found {
			return 0, command.Errorf(cat, "passctl.cert.unknown_type", f)
		}
	}
	return t, nil
}

// typeNames names the pass types of t in the catalog's language.
func typeNames(cat *i18n.Catalog, t verify.PassType) string {
	var names []string
	for _, l := range passTypes() {
		if t&l.t != 0 {
			names = append(names, cat.T("passctl.type."+l.name))
		}
	}
	return strings.Join(names, ", ")
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time; empty gives def.
func parseWhen(cat *i18n.Catalog, name, s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, command.UsageKey(cat, "passctl.bad_time", name, s)
	}
	return t, nil
}
