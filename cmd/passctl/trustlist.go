package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/verify"
)

// errTrustListSignature marks a national trust list whose signature does
// not verify: the whole list is refused.
var errTrustListSignature = errors.New("trust list signature does not verify")

// refusal is an error that reads msg, in the catalog's language, and is err
// (a sentinel) for errors.Is.
type refusal struct {
	msg string
	err error
}

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return r.err }

// dscList is the German DSC list's JSON.
type dscList struct {
	Certificates []struct {
		CertificateType string `json:"certificateType"`
		Country         string `json:"country"`
		KID             string `json:"kid"`
		RawData         string `json:"rawData"`
	} `json:"certificates"`
}

// readDSCList reads a DSC list in the format of the German backend: a first
// line holding base64 of a raw r||s ECDSA P-256/SHA-256 signature over the
// rest (trimmed), which is JSON {"certificates":[…]}. It refuses the whole
// list when the signature does not verify with pub. Entries that fail to
// import, or whose kid differs from the certificate's, are reported on log;
// the kid used is always the one computed from the certificate.
func readDSCList(cat *i18n.Catalog, data []byte, pub *ecdsa.PublicKey, log io.Writer) ([]*verify.Key, error) {
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, command.Errorf(cat, "passctl.trustlist.no_signature")
	}
	sig, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(first)))
	if err != nil || len(sig) != 64 {
		return nil, command.Errorf(cat, "passctl.trustlist.bad_signature_line", len(sig), err)
	}
	body := bytes.TrimSpace(rest)
	digest := sha256.Sum256(body)
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		return nil, &refusal{cat.T("passctl.trustlist.refused"), errTrustListSignature}
	}
	var list dscList
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, command.Errorf(cat, "passctl.trustlist.json", err)
	}
	var keys []*verify.Key
	var failed, mismatched int
	for i, c := range list.Certificates {
		k, err := dscEntry(c.RawData, c.Country)
		if err == nil && c.CertificateType != "" && c.CertificateType != "DSC" {
			err = command.Errorf(cat, "passctl.trustlist.not_dsc", c.CertificateType)
		}
		if err != nil {
			failed++
			fmt.Fprintln(log, cat.T("passctl.trustlist.not_imported", i, c.KID, c.Country, err))
			continue
		}
		if want := base64.StdEncoding.EncodeToString(k.KID); want != c.KID {
			mismatched++
			fmt.Fprintln(log, cat.T("passctl.trustlist.kid_differs", i, c.Country, c.KID, want))
		}
		keys = append(keys, k)
	}
	fmt.Fprintln(log, cat.T("passctl.trustlist.imported", len(keys), len(list.Certificates), failed, mismatched))
	return keys, nil
}

func dscEntry(raw, country string) (*verify.Key, error) {
	der, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("rawData: %w", err)
	}
	k, err := verify.KeyFromCertificate(der)
	if err != nil {
		return nil, err
	}
	if k.Country == "" { // the list's word, when the subject names no country
		k.Country = country
	}
	return k, nil
}

// readTrustLists reads DSC lists signed by the key in keyPath.
func readTrustLists(cat *i18n.Catalog, files []string, keyPath string, log io.Writer) ([]*verify.Key, error) {
	if len(files) == 0 {
		return nil, nil
	}
	pub, err := readTrustListKey(cat, keyPath)
	if err != nil {
		return nil, err
	}
	var keys []*verify.Key
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, command.Errorf(cat, "passctl.trustlist.read", err)
		}
		ks, err := readDSCList(cat, b, pub, log)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		keys = append(keys, ks...)
	}
	return keys, nil
}

// readTrustListKey reads the ECDSA P-256 public key (PEM PKIX) that signs a
// DSC list.
func readTrustListKey(cat *i18n.Catalog, path string) (*ecdsa.PublicKey, error) {
	der, err := pemfile.Read(path, "PUBLIC KEY")
	if err != nil {
		return nil, command.Errorf(cat, "passctl.trustlist.key", err)
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, command.Errorf(cat, "passctl.trustlist.key_file", path, err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, command.Errorf(cat, "passctl.trustlist.key_not_p256", path)
	}
	return pub, nil
}

// readCertFiles reads certificate files (PEM, DER or base64; see
// bundle.ParseCertificates) and every regular file in the directories.
func readCertFiles(cat *i18n.Catalog, files []string, dirs []string) ([]*verify.Key, error) {
	files = slices.Clone(files)
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			return nil, command.Errorf(cat, "passctl.bundle.certs_dir", err)
		}
		for _, e := range ents {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(d, e.Name()))
			}
		}
	}
	var keys []*verify.Key
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, command.Errorf(cat, "passctl.bundle.read_cert", err)
		}
		ks, err := bundle.ParseCertificates(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		keys = append(keys, ks...)
	}
	return keys, nil
}

// dedupeKeys drops keys given twice (same kid and certificate or public key),
// keeping the first; different keys sharing a kid both stay.
func dedupeKeys(keys []*verify.Key) []*verify.Key {
	type id struct{ kid, body string }
	seen := map[id]bool{}
	out := keys[:0:0]
	for _, k := range keys {
		body := string(k.Cert)
		if body == "" {
			der, _ := x509.MarshalPKIXPublicKey(k.Public)
			body = string(der)
		}
		if i := (id{string(k.KID), body}); !seen[i] {
			seen[i] = true
			out = append(out, k)
		}
	}
	return out
}
