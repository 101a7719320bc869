// Package base45 implements the Base45 encoding of RFC 9285, strictly: a
// character outside the alphabet, a dangling single character at the end, or
// a group whose value does not fit its width is an error, never a panic.
package base45

import (
	"errors"
	"fmt"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

var decodeMap = func() (m [256]int8) {
	for i := range m {
		m[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = int8(i)
	}
	return m
}()

// ErrInvalidCharacter reports a character outside the Base45 alphabet.
var ErrInvalidCharacter = errors.New("invalid base45 character")

// ErrDanglingCharacter reports an input whose length leaves a single
// character at the end (length mod 3 == 1), which encodes no byte.
var ErrDanglingCharacter = errors.New("dangling base45 character")

// ErrOverflow reports a group whose value exceeds what its bytes can hold
// (a triple over 65535, a pair over 255).
var ErrOverflow = errors.New("base45 group out of range")

// EncodedLen returns the length of the encoding of n bytes.
func EncodedLen(n int) int { return n/2*3 + n%2*2 }

// DecodedLen returns the length of the decoding of n characters, or -1 if no
// valid input has that length.
func DecodedLen(n int) int {
	if n%3 == 1 {
		return -1
	}
	return n/3*2 + n%3/2
}

// Encode returns the Base45 encoding of src.
func Encode(src []byte) string {
	dst := make([]byte, 0, EncodedLen(len(src)))
	for i := 0; i+1 < len(src); i += 2 {
		n := int(src[i])<<8 | int(src[i+1])
		dst = append(dst, alphabet[n%45], alphabet[n/45%45], alphabet[n/2025])
	}
	if len(src)%2 == 1 {
		n := int(src[len(src)-1])
		dst = append(dst, alphabet[n%45], alphabet[n/45])
	}
	return string(dst)
}

// Decode decodes a Base45 string. The error names the offset of the first
// offending character or group.
func Decode(s string) ([]byte, error) {
	if DecodedLen(len(s)) < 0 {
		return nil, fmt.Errorf("%w at offset %d (length %d)", ErrDanglingCharacter, len(s)-1, len(s))
	}
	dst := make([]byte, 0, DecodedLen(len(s)))
	for i := 0; i < len(s); i += 3 {
		end := min(i+3, len(s))
		n := 0
		mul := 1
		for j := i; j < end; j++ {
			v := decodeMap[s[j]]
			if v < 0 {
				return nil, fmt.Errorf("%w %q at offset %d", ErrInvalidCharacter, s[j], j)
			}
			n += int(v) * mul
			mul *= 45
		}
		if end-i == 3 {
			if n > 0xFFFF {
				return nil, fmt.Errorf("%w: triple at offset %d is %d > 65535", ErrOverflow, i, n)
			}
			dst = append(dst, byte(n>>8), byte(n))
		} else {
			if n > 0xFF {
				return nil, fmt.Errorf("%w: pair at offset %d is %d > 255", ErrOverflow, i, n)
			}
			dst = append(dst, byte(n))
		}
	}
	return dst, nil
}
