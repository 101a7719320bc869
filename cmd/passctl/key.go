package main

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"fmt"
	"strings"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pemfile"
)

// keygen writes PREFIX.key (PEM PKCS#8, mode 0600) and PREFIX.pub (PEM
// PKIX), and prints the public key as one line of base64 (the raw 32 bytes),
// which `passgate verify --bundle-key` takes as it takes the .pub file.
func (c *cli) keygen(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", c.cat.T("passctl.flag.keygen.out"))
	force := fs.Bool("force", false, c.cat.T("passctl.flag.force"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return command.UsageKey(c.cat, "passctl.required", "-out PREFIX")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return command.Errorf(c.cat, "passctl.key.generate", err)
	}
	if err := writeKeyPair(c.cat, *out, priv, pub, *force); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.keygen.wrote", *out, *out))
	fmt.Fprintln(c.stdout, c.cat.T("passctl.keygen.key", base64.StdEncoding.EncodeToString(pub)))
	return nil
}

// keygenAuthority writes an X25519 key pair in the same PEM forms (PKCS#8
// and PKIX, which OpenSSL reads too) and prints the public key as base64 of
// its raw 32 bytes, which `bundle build -authority-pub` also takes.
func (c *cli) keygenAuthority(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", c.cat.T("passctl.flag.keygen_authority.out"))
	force := fs.Bool("force", false, c.cat.T("passctl.flag.force"))
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return command.UsageKey(c.cat, "passctl.required", "-out PREFIX")
	}
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return command.Errorf(c.cat, "passctl.key.generate", err)
	}
	if err := writeKeyPair(c.cat, *out, priv, priv.PublicKey(), *force); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, c.cat.T("passctl.keygen_authority.wrote", *out, *out))
	fmt.Fprintln(c.stdout, c.cat.T("passctl.keygen_authority.key",
		base64.StdEncoding.EncodeToString(priv.PublicKey().Bytes()), authorityFingerprint(priv.PublicKey())))
	return nil
}

// writeKeyPair writes prefix.key and prefix.pub, the private key first and
// only readable by its owner; without force it refuses to overwrite.
func writeKeyPair(cat *i18n.Catalog, prefix string, priv, pub any, force bool) error {
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return command.Errorf(cat, "passctl.key.encode_private", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return command.Errorf(cat, "passctl.key.encode_public", err)
	}
	err = pemfile.Write(force,
		pemfile.File{Path: prefix + ".key", Mode: 0o600, Type: "PRIVATE KEY", Bytes: privDER},
		pemfile.File{Path: prefix + ".pub", Mode: 0o644, Type: "PUBLIC KEY", Bytes: pubDER})
	if err != nil {
		return command.Errorf(cat, "passctl.key.write", err)
	}
	return nil
}

// readSigningKey reads an Ed25519 private key written by keygen.
func readSigningKey(cat *i18n.Catalog, path string) (ed25519.PrivateKey, error) {
	der, err := pemfile.Read(path, "PRIVATE KEY")
	if err != nil {
		return nil, command.Errorf(cat, "passctl.key.signing", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, command.Errorf(cat, "passctl.key.signing_file", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, command.Errorf(cat, "passctl.key.not_ed25519", path)
	}
	return priv, nil
}

// readBundleKey reads a bundle-signing public key from a file (PEM or
// base64) or from the argument itself (base64).
func readBundleKey(s string) (ed25519.PublicKey, error) {
	return pemfile.ReadKey(s, "", bundle.ParseKey)
}

// readAuthorityKey reads an X25519 public key: a PEM PKIX file, or base64 of
// the raw 32 bytes in a file or as the argument.
func readAuthorityKey(cat *i18n.Catalog, s string) (*ecdh.PublicKey, error) {
	return pemfile.ReadKey(s, "", func(text string) (*ecdh.PublicKey, error) { return parseAuthorityKey(cat, text) })
}

func parseAuthorityKey(cat *i18n.Catalog, text string) (*ecdh.PublicKey, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "-----BEGIN") {
		blk, _ := pem.Decode([]byte(text))
		if blk == nil || blk.Type != "PUBLIC KEY" {
			return nil, command.Errorf(cat, "passctl.key.authority_not_pem")
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, command.Errorf(cat, "passctl.key.authority", err)
		}
		pub, ok := k.(*ecdh.PublicKey)
		if !ok || pub.Curve() != ecdh.X25519() {
			return nil, command.Errorf(cat, "passctl.key.authority_not_x25519")
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, command.Errorf(cat, "passctl.key.authority_not_base64", err)
	}
	pub, err := ecdh.X25519().NewPublicKey(raw)
	if err != nil {
		return nil, command.Errorf(cat, "passctl.key.authority", err)
	}
	return pub, nil
}

// authorityFingerprint names an authority key for people: the first 8 bytes
// of SHA-256 over the raw key.
func authorityFingerprint(k *ecdh.PublicKey) string {
	sum := sha256.Sum256(k.Bytes())
	return fmt.Sprintf("sha256:%x", sum[:8])
}
