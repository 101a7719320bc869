package bundle

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/passgate/passgate/verify"
)

// ParseCertificates reads signer certificates as operators hand them over:
// PEM (any number of CERTIFICATE blocks), base64 of the DER, or DER.
func ParseCertificates(data []byte) ([]*verify.Key, error) {
	var ders [][]byte
	switch {
	case bytes.Contains(data, []byte("-----BEGIN")):
		for rest := data; ; {
			var blk *pem.Block
			if blk, rest = pem.Decode(rest); blk == nil {
				break
			}
			if blk.Type == "CERTIFICATE" {
				ders = append(ders, blk.Bytes)
			}
		}
		if len(ders) == 0 {
			return nil, errors.New("certificates: no PEM CERTIFICATE block")
		}
	case len(data) > 0 && data[0] == 0x30: // a DER SEQUENCE; base64 never starts with '0'
		ders = [][]byte{data}
	default:
		der, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(data), nil)))
		if err != nil {
			return nil, fmt.Errorf("certificates: neither PEM, DER nor base64: %w", err)
		}
		ders = [][]byte{der}
	}
	keys := make([]*verify.Key, 0, len(ders))
	for i, der := range ders {
		k, err := verify.KeyFromCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// ParseRevocations reads a revocation list in one of two forms, told apart
// by content:
//
//   - an EU gateway revocation batch, JSON:
//     {"country":"DE","expires":"…","kid":"…","hashType":"UCI","entries":[{"hash":"<base64>"}]}
//   - text, one hash a line: "TYPE HASH" with TYPE one of UCI,
//     COUNTRYCODEUCI, SIGNATURE (what `passctl hash` prints), or just "HASH"
//     when defaultType is not 0. HASH is hex when it is 32 or 64 hex digits,
//     else base64. Blank lines and lines starting with # are skipped.
//
// Hashes longer than 16 bytes are truncated to 16, as the EU distributes
// them; shorter ones are an error. It returns one segment per hash type
// present, in the order of HashTypes.
func ParseRevocations(data []byte, defaultType verify.HashType) ([]RevocationSegment, error) {
	byType := map[verify.HashType][][16]byte{}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		if err := parseRevocationBatch(t, byType); err != nil {
			return nil, fmt.Errorf("revocation batch: %w", err)
		}
	} else if err := parseRevocationText(data, defaultType, byType); err != nil {
		return nil, err
	}
	var segs []RevocationSegment
	for _, t := range verify.HashTypes() {
		if hs := byType[t]; len(hs) > 0 {
			segs = append(segs, RevocationSegment{Type: t, Hashes: hs})
		}
	}
	return segs, nil
}

func parseRevocationBatch(data []byte, byType map[verify.HashType][][16]byte) error {
	var batch struct {
		Country  string `json:"country"`
		KID      string `json:"kid"`
		HashType string `json:"hashType"`
		Entries  []struct {
			Hash string `json:"hash"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(data, &batch); err != nil {
		return err
	}
	t, err := verify.ParseHashType(batch.HashType)
	if err != nil {
		return err
	}
	for i, e := range batch.Entries {
		h, err := decodeRevocationHash(e.Hash)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		byType[t] = append(byType[t], h)
	}
	return nil
}

func parseRevocationText(data []byte, defaultType verify.HashType, byType map[verify.HashType][][16]byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		t := defaultType
		switch len(f) {
		case 1:
			if t == 0 {
				return fmt.Errorf("revocations line %d: a hash without a type (write TYPE HASH, or give a default type)", n)
			}
		case 2:
			var err error
			if t, err = verify.ParseHashType(strings.ToUpper(f[0])); err != nil {
				return fmt.Errorf("revocations line %d: %w", n, err)
			}
		default:
			return fmt.Errorf("revocations line %d: want TYPE HASH, got %d fields", n, len(f))
		}
		h, err := decodeRevocationHash(f[len(f)-1])
		if err != nil {
			return fmt.Errorf("revocations line %d: %w", n, err)
		}
		byType[t] = append(byType[t], h)
	}
	return sc.Err()
}

// decodeRevocationHash reads hex (32 or 64 digits) or base64 and truncates
// to 128 bits.
func decodeRevocationHash(s string) ([16]byte, error) {
	var h [16]byte
	var b []byte
	var err error
	if len(s) == 32 || len(s) == 64 {
		b, err = hex.DecodeString(s)
	}
	if b == nil || err != nil {
		if b, err = base64.StdEncoding.DecodeString(s); err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
				return h, fmt.Errorf("hash %q is neither hex nor base64", s)
			}
		}
	}
	if len(b) < 16 {
		return h, fmt.Errorf("hash %q has %d bytes, want at least 16", s, len(b))
	}
	copy(h[:], b)
	return h, nil
}
