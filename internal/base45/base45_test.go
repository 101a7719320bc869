package base45_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/passgate/passgate/internal/base45"
)

func TestRFC9285Examples(t *testing.T) {
	for _, tc := range []struct{ plain, enc string }{
		{"AB", "BB8"},
		{"Hello!!", "%69 VD92EX0"},
		{"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"},
		{"", ""},
	} {
		if got := base45.Encode([]byte(tc.plain)); got != tc.enc {
			t.Errorf("Encode(%q) = %q, want %q", tc.plain, got, tc.enc)
		}
		got, err := base45.Decode(tc.enc)
		if err != nil || string(got) != tc.plain {
			t.Errorf("Decode(%q) = %q, %v; want %q", tc.enc, got, err, tc.plain)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"GGW", base45.ErrOverflow}, // 65535+ : 16 + 16*45 + 32*2025 = 65536
		{"::", base45.ErrOverflow},  // 44 + 44*45 > 255
		{"BB8A", base45.ErrDanglingCharacter},
		{"A", base45.ErrDanglingCharacter},
		{"bb8", base45.ErrInvalidCharacter},
		{"BB\x00", base45.ErrInvalidCharacter},
		{"BB8\xff\xfe", base45.ErrInvalidCharacter},
	} {
		_, err := base45.Decode(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("Decode(%q) error = %v, want %v", tc.in, err, tc.want)
		}
	}
	if _, err := base45.Decode("FGW"); err != nil { // 65535 exactly
		t.Errorf("Decode(FGW) = %v, want ok", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "BB8", "%69 VD92EX0", "GGW", "A", "6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := base45.Decode(s)
		if err != nil {
			return
		}
		if len(b) != base45.DecodedLen(len(s)) {
			t.Fatalf("decoded %d bytes from %d chars", len(b), len(s))
		}
		if enc := base45.Encode(b); enc != s {
			t.Fatalf("round trip %q -> %x -> %q", s, b, enc)
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := base45.Decode(base45.Encode(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x: %x, %v", b, got, err)
		}
	})
}
