package bundle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// craft signs a hand-made manifest and appends raw segment bytes, to make
// bundles Sign refuses to make.
func craft(t *testing.T, priv ed25519.PrivateKey, m *manifest, policy, segs []byte) []byte {
	t.Helper()
	if policy == nil {
		var err error
		if policy, err = presets.Must(presets.Default).Marshal(); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(policy)
	m.Policy = wireBlob{Size: uint64(len(policy)), SHA256: sum[:]}
	mb, err := manifestEnc.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]byte(bundleMagic), 0, bundleVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(mb)))
	out = append(out, mb...)
	out = append(out, ed25519.Sign(priv, out)...)
	out = append(out, policy...)
	return append(out, segs...)
}

func TestLoadBundleCrafted(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := priv.Public().(ed25519.PublicKey)
	at := time.Unix(1000, 0)
	seg := func(entries ...byte) ([]byte, wireSegment) {
		var b []byte
		for _, e := range entries {
			b = append(b, e, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
		}
		sum := sha256.Sum256(b)
		return b, wireSegment{Type: verify.HashUCI, Count: uint64(len(entries)), SHA256: sum[:]}
	}
	unsorted, unsortedSeg := seg(3, 1, 2)
	dup, dupSeg := seg(1, 2, 2)
	good, goodSeg := seg(1, 2, 3)
	badType := goodSeg
	badType.Type = 7
	huge := goodSeg
	huge.Count = 1 << 60
	for _, c := range []struct {
		name   string
		m      manifest
		segs   []byte
		want   error
		policy []byte
	}{
		{"unsorted", manifest{Sequence: 1, ValidUntil: 2000, Segments: []wireSegment{unsortedSeg}}, unsorted, ErrCorrupt, nil},
		{"duplicate", manifest{Sequence: 1, ValidUntil: 2000, Segments: []wireSegment{dupSeg}}, dup, ErrCorrupt, nil},
		{"unknown hash type", manifest{Sequence: 1, ValidUntil: 2000, Segments: []wireSegment{badType}}, good, ErrCorrupt, nil},
		{"count of 2^60", manifest{Sequence: 1, ValidUntil: 2000, Segments: []wireSegment{huge}}, good, ErrTruncated, nil},
		{"bad policy", manifest{Sequence: 1, ValidUntil: 2000}, nil, ErrCorrupt, []byte(`{"name":"x","nope":1}`)},
		{"policy of a rule that does not compile", manifest{Sequence: 1, ValidUntil: 2000}, nil, ErrCorrupt, brokenRule(t)},
		{"bad authority", manifest{Sequence: 1, ValidUntil: 2000, Authority: []byte{1, 2, 3}}, nil, ErrCorrupt, nil},
		{"key of nothing", manifest{Sequence: 1, ValidUntil: 2000, Keys: []wireKey{{KID: []byte("12345678")}}}, nil, ErrCorrupt, nil},
		{"key of garbage", manifest{Sequence: 1, ValidUntil: 2000, Keys: []wireKey{{KID: []byte("12345678"), Cert: []byte{0x30, 1, 2}}}}, nil, ErrCorrupt, nil},
		{"good", manifest{Sequence: 1, ValidUntil: 2000, Segments: []wireSegment{goodSeg}}, good, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(craft(t, priv, &c.m, c.policy, c.segs), pub, nil, at)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestLoadBundleHugeLength checks that a length field is believed only once
// the data holds that many bytes: a 4 GiB claim is an error, not an
// allocation.
func TestLoadBundleHugeLength(t *testing.T) {
	data := append([]byte(bundleMagic), 0, bundleVersion, 0xff, 0xff, 0xff, 0xff)
	data = append(data, make([]byte, 200)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Load(data, make(ed25519.PublicKey, 32), nil, time.Unix(0, 0))
	_, err2 := ReadInfo(data)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) || !errors.Is(err2, ErrTruncated) {
		t.Fatalf("errors %v, %v; want ErrTruncated", err, err2)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<16 {
		t.Errorf("allocated %d bytes for a %d-byte input", d, len(data))
	}
}

// brokenRule is the default policy's JSON with one rule's logic replaced
// by an unknown operation: signed, but kiosks must refuse it.
func brokenRule(t *testing.T) []byte {
	b, err := presets.Must(presets.Default).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["rules"].([]any)[0].(map[string]any)["Logic"] = map[string]any{"evalJS": []any{"while(1){}"}}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
