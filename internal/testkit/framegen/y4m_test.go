package framegen_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// y4m is a clip as readY4M parsed it.
type y4m struct {
	header []string
	w, h   int
	frames [][]byte // the Y planes
}

// readY4M parses a YUV4MPEG2 stream with 4:2:0 chroma, checking that every
// frame is complete and its chroma grey, as a player would need it.
func readY4M(t *testing.T, r io.Reader) y4m {
	t.Helper()
	br := bufio.NewReader(r)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	var clip y4m
	clip.header = strings.Fields(line)
	if len(clip.header) == 0 || clip.header[0] != "YUV4MPEG2" {
		t.Fatalf("header %q does not start with YUV4MPEG2", line)
	}
	for _, f := range clip.header[1:] {
		switch f[0] {
		case 'W':
			fmt.Sscan(f[1:], &clip.w)
		case 'H':
			fmt.Sscan(f[1:], &clip.h)
		}
	}
	if clip.w <= 0 || clip.h <= 0 {
		t.Fatalf("header %q: no size", line)
	}
	chroma := 2 * ((clip.w + 1) / 2) * ((clip.h + 1) / 2)
	for {
		tag, err := br.ReadString('\n')
		if err == io.EOF && tag == "" {
			return clip
		}
		if tag != "FRAME\n" {
			t.Fatalf("frame %d: tag %q, %v", len(clip.frames), tag, err)
		}
		buf := make([]byte, clip.w*clip.h+chroma)
		if _, err := io.ReadFull(br, buf); err != nil {
			t.Fatalf("frame %d: %v", len(clip.frames), err)
		}
		if uv := buf[clip.w*clip.h:]; !bytes.Equal(uv, bytes.Repeat([]byte{128}, chroma)) {
			t.Errorf("frame %d: chroma is not all 128", len(clip.frames))
		}
		clip.frames = append(clip.frames, buf[:clip.w*clip.h])
	}
}

func TestWriteY4M(t *testing.T) {
	// Odd sizes: the chroma planes round up.
	var frames []*scanner.Luma
	for i := range 3 {
		l := scanner.NewLuma(7, 5)
		for j := range l.Pix {
			l.Pix[j] = byte(i*40 + j)
		}
		frames = append(frames, l)
	}
	// A frame with a stride wider than its width is written without the
	// padding.
	padded := &scanner.Luma{Pix: make([]byte, 10*5), Width: 7, Height: 5, Stride: 10}
	for y := range 5 {
		copy(padded.Pix[y*10:], frames[2].Pix[y*7:(y+1)*7])
		padded.Pix[y*10+8] = 99
	}
	frames[2] = padded

	var buf bytes.Buffer
	if err := framegen.WriteY4M(&buf, frames, 10); err != nil {
		t.Fatal(err)
	}
	clip := readY4M(t, bytes.NewReader(buf.Bytes()))
	if got, want := strings.Join(clip.header, " "), "YUV4MPEG2 W7 H5 F10:1 Ip A1:1 C420jpeg"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	if len(clip.frames) != 3 {
		t.Fatalf("%d frames, want 3", len(clip.frames))
	}
	for i, f := range clip.frames {
		want := make([]byte, 35)
		for j := range want {
			want[j] = byte(i*40 + j)
		}
		if !bytes.Equal(f, want) {
			t.Errorf("frame %d: Y plane %v, want %v", i, f, want)
		}
	}
	if want := 3 * (len("FRAME\n") + 35 + 2*4*3); buf.Len() != len("YUV4MPEG2 W7 H5 F10:1 Ip A1:1 C420jpeg\n")+want {
		t.Errorf("clip of %d bytes, want header + %d", buf.Len(), want)
	}
}

func TestWriteY4MErrors(t *testing.T) {
	a, b := scanner.NewLuma(8, 8), scanner.NewLuma(8, 6)
	if err := framegen.WriteY4M(io.Discard, []*scanner.Luma{a, b}, 10); !errors.Is(err, framegen.ErrClipSize) {
		t.Errorf("two sizes: err = %v, want ErrClipSize", err)
	}
	if err := framegen.WriteY4M(io.Discard, nil, 10); err == nil {
		t.Error("no frames: no error")
	}
	if err := framegen.WriteY4M(io.Discard, []*scanner.Luma{a}, 0); err == nil {
		t.Error("0 fps: no error")
	}
}

// TestY4MCorpus writes the 640×480 frames of a small corpus as a clip and
// reads the frames back unchanged.
func TestY4MCorpus(t *testing.T) {
	frames, err := framegen.Corpus(framegen.Options{Seed: 2, Count: 6, Sources: sources(t)})
	if err != nil {
		t.Fatal(err)
	}
	var lumas []*scanner.Luma
	for _, f := range frames {
		if f.Luma.Width == 640 {
			lumas = append(lumas, f.Luma)
		}
	}
	var buf bytes.Buffer
	if err := framegen.WriteY4M(&buf, lumas, 30); err != nil {
		t.Fatal(err)
	}
	clip := readY4M(t, &buf)
	if clip.w != 640 || clip.h != 480 || len(clip.frames) != len(lumas) {
		t.Fatalf("clip %dx%d of %d frames, want 640x480 of %d", clip.w, clip.h, len(clip.frames), len(lumas))
	}
	for i, f := range clip.frames {
		if !bytes.Equal(f, lumas[i].Pix) {
			t.Errorf("frame %d differs", i)
		}
	}
}
