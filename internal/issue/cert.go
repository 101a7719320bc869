// Package issue makes test trust material and test passes: a country
// signing CA (CSCA), document signers (DSC) with chosen key usage and
// algorithm, and EU DCC passes signed by them as HC1 text or QR images. It
// is the issuer side of what verify checks, used by passctl and by the
// project's fixtures; nothing at the door runs it.
package issue

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/verify"
)

// Algorithm is a COSE signature algorithm a DSC signs with.
type Algorithm int64

// The algorithms of the EU DCC specification.
const (
	ES256 Algorithm = -7  // ECDSA P-256 with SHA-256
	PS256 Algorithm = -37 // RSASSA-PSS 2048 with SHA-256
)

func (a Algorithm) String() string {
	switch a {
	case ES256:
		return "ES256"
	case PS256:
		return "PS256"
	}
	return fmt.Sprintf("alg(%d)", int64(a))
}

// ParseAlgorithm reads "ES256" or "PS256".
func ParseAlgorithm(s string) (Algorithm, error) {
	switch s {
	case "ES256", "es256":
		return ES256, nil
	case "PS256", "ps256":
		return PS256, nil
	}
	return 0, fmt.Errorf("unknown algorithm %q (known: ES256, PS256)", s)
}

// Identity is a certificate with its private key: a CSCA or a DSC.
type Identity struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// KID is the identity's key identifier in passes: the first 8 bytes of
// SHA-256 over its certificate.
func (id *Identity) KID() []byte { return verify.KID(id.Cert.Raw) }

// Algorithm is the COSE algorithm of the identity's key.
func (id *Identity) Algorithm() Algorithm {
	if _, ok := id.Key.(*rsa.PrivateKey); ok {
		return PS256
	}
	return ES256
}

// CertOptions are the subject and validity of a new certificate.
type CertOptions struct {
	Country    string // ISO 3166 alpha-2, e.g. "KR"
	CommonName string
	NotBefore  time.Time
	NotAfter   time.Time
	// Serial is the certificate's serial number; 0 picks a random one.
	Serial int64
}

func (o CertOptions) check() error {
	switch {
	case len(o.Country) != 2:
		return fmt.Errorf("country %q: want two letters (ISO 3166)", o.Country)
	case o.NotBefore.IsZero() || o.NotAfter.IsZero():
		return errors.New("validity: both not-before and not-after are needed")
	case !o.NotAfter.After(o.NotBefore):
		return fmt.Errorf("validity: not-after %s is not after not-before %s",
			o.NotAfter.Format(time.RFC3339), o.NotBefore.Format(time.RFC3339))
	}
	return nil
}

func (o CertOptions) template() (*x509.Certificate, error) {
	serial := big.NewInt(o.Serial)
	if o.Serial == 0 {
		var err error
		if serial, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63)); err != nil {
			return nil, err
		}
	}
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Country: []string{o.Country}, CommonName: o.CommonName},
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
	}, nil
}

// NewCSCA makes a self-signed country signing CA with an ECDSA P-256 key.
func NewCSCA(o CertOptions) (*Identity, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("CSCA: %w", err)
	}
	if o.CommonName == "" {
		o.CommonName = "passgate test CSCA " + o.Country
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl, err := o.template()
	if err != nil {
		return nil, err
	}
	tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.MaxPathLenZero = true, true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("CSCA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Identity{Cert: cert, Key: key}, nil
}

// DSCOptions add to CertOptions what a document signer needs.
type DSCOptions struct {
	CertOptions
	Algorithm Algorithm
	// Types are the pass types named in the certificate's extended key
	// usage; 0 names none, which lets the DSC sign every type.
	Types verify.PassType
}

// NewDSC makes a document signer certified by the CSCA, with an ECDSA
// P-256 key for ES256 or an RSA 2048 key for PS256.
func (ca *Identity) NewDSC(o DSCOptions) (*Identity, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("DSC: %w", err)
	}
	if o.CommonName == "" {
		o.CommonName = "passgate test DSC " + o.Country
	}
	var key crypto.Signer
	var err error
	switch o.Algorithm {
	case ES256, 0:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case PS256:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		return nil, fmt.Errorf("DSC: unsupported algorithm %s", o.Algorithm)
	}
	if err != nil {
		return nil, err
	}
	tmpl, err := o.template()
	if err != nil {
		return nil, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	for _, t := range []verify.PassType{verify.Tested, verify.Vaccinated, verify.Recovered} {
		if o.Types&t != 0 {
			tmpl.UnknownExtKeyUsage = append(tmpl.UnknownExtKeyUsage, verify.EKUOID(t))
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("DSC: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Identity{Cert: cert, Key: key}, nil
}

// Save writes PREFIX.crt (PEM certificate) and PREFIX.key (PEM PKCS#8,
// readable by its owner only). Existing files are kept unless force.
func (id *Identity) Save(prefix string, force bool) error {
	der, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		return err
	}
	return pemfile.Write(force,
		pemfile.File{Path: prefix + ".key", Mode: 0o600, Type: "PRIVATE KEY", Bytes: der},
		pemfile.File{Path: prefix + ".crt", Mode: 0o644, Type: "CERTIFICATE", Bytes: id.Cert.Raw})
}

// Load reads an identity written by Save.
func Load(prefix string) (*Identity, error) {
	certDER, err := pemfile.Read(prefix+".crt", "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("%s.crt: %w", prefix, err)
	}
	keyDER, err := pemfile.Read(prefix+".key", "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(keyDER)
	if err != nil {
		return nil, fmt.Errorf("%s.key: %w", prefix, err)
	}
	var key crypto.Signer
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%s.key: ECDSA on %s, want P-256", prefix, k.Curve.Params().Name)
		}
		key = k
	case *rsa.PrivateKey:
		key = k
	default:
		return nil, fmt.Errorf("%s.key: %T, want an ECDSA P-256 or RSA key", prefix, k)
	}
	if !publicEqual(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("%s.key does not belong to %s.crt", prefix, prefix)
	}
	return &Identity{Cert: cert, Key: key}, nil
}

func publicEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}
