package main

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/pemfile"
)

func init() {
	commands["keygen"] = command{"make the Ed25519 bundle-signing key pair (PREFIX.key, PREFIX.pub)", runKeygen}
	commands["keygen-authority"] = command{"make the health authority's X25519 key pair for sealed contact details", runKeygenAuthority}
}

// runKeygen writes PREFIX.key (PEM PKCS#8, mode 0600) and PREFIX.pub (PEM
// PKIX), and prints the public key as one line of base64 (the raw 32 bytes),
// which `passgate verify --bundle-key` takes as it takes the .pub file.
func runKeygen(e *env, args []string) error {
	fs := newFlags(e, "keygen", "-out PREFIX [-force]")
	out := fs.String("out", "", "write PREFIX.key and PREFIX.pub")
	force := fs.Bool("force", false, "overwrite existing files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: give -out PREFIX and nothing else", errUsage)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	if err := writeKeyPair(*out, priv, pub, *force); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s.key (keep it secret) and %s.pub\nbundle key: %s\n",
		*out, *out, base64.StdEncoding.EncodeToString(pub))
	return nil
}

// runKeygenAuthority writes an X25519 key pair in the same PEM forms
// (PKCS#8 and PKIX, which OpenSSL reads too) and prints the public key as
// base64 of its raw 32 bytes, which `bundle build -authority-pub` also takes.
func runKeygenAuthority(e *env, args []string) error {
	fs := newFlags(e, "keygen-authority", "-out PREFIX [-force]")
	out := fs.String("out", "", "write PREFIX.key (X25519 private, PEM PKCS#8, 0600) and PREFIX.pub (PEM PKIX)")
	force := fs.Bool("force", false, "overwrite existing files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: give -out PREFIX and nothing else", errUsage)
	}
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	if err := writeKeyPair(*out, priv, priv.PublicKey(), *force); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s.key (keep it at the health authority) and %s.pub\nauthority key: %s (%s)\n",
		*out, *out, base64.StdEncoding.EncodeToString(priv.PublicKey().Bytes()), authorityFingerprint(priv.PublicKey()))
	return nil
}

// writeKeyPair writes prefix.key and prefix.pub, the private key first and
// only readable by its owner; without force it refuses to overwrite.
func writeKeyPair(prefix string, priv, pub any, force bool) error {
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return fmt.Errorf("encode public key: %w", err)
	}
	err = pemfile.Write(force,
		pemfile.File{Path: prefix + ".key", Mode: 0o600, Type: "PRIVATE KEY", Bytes: privDER},
		pemfile.File{Path: prefix + ".pub", Mode: 0o644, Type: "PUBLIC KEY", Bytes: pubDER})
	if err != nil {
		return fmt.Errorf("write key (use -force to overwrite): %w", err)
	}
	return nil
}

// readSigningKey reads an Ed25519 private key written by keygen.
func readSigningKey(path string) (ed25519.PrivateKey, error) {
	der, err := pemfile.Read(path, "PRIVATE KEY")
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: %T, want Ed25519 (made by passctl keygen)", path, k)
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
func readAuthorityKey(s string) (*ecdh.PublicKey, error) {
	return pemfile.ReadKey(s, "", parseAuthorityKey)
}

func parseAuthorityKey(text string) (*ecdh.PublicKey, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "-----BEGIN") {
		blk, _ := pem.Decode([]byte(text))
		if blk == nil || blk.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("authority key: want a PEM PUBLIC KEY block")
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("authority key: %w", err)
		}
		pub, ok := k.(*ecdh.PublicKey)
		if !ok || pub.Curve() != ecdh.X25519() {
			return nil, fmt.Errorf("authority key: %T, want X25519 (made by passctl keygen-authority)", k)
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("authority key: neither PEM nor base64: %w", err)
	}
	pub, err := ecdh.X25519().NewPublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("authority key: %w", err)
	}
	return pub, nil
}

// authorityFingerprint names an authority key for people: the first 8 bytes
// of SHA-256 over the raw key.
func authorityFingerprint(k *ecdh.PublicKey) string {
	sum := sha256.Sum256(k.Bytes())
	return fmt.Sprintf("sha256:%x", sum[:8])
}
