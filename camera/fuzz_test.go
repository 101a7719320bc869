package camera_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/passgate/passgate/camera"
)

// FuzzY4M: whatever a Y4M file holds, opening and playing it returns
// frames or an error, never a panic, and no buffer larger than the file.
func FuzzY4M(f *testing.F) {
	f.Add([]byte("YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420jpeg\nFRAME\n12345678abcd"))
	f.Add([]byte("YUV4MPEG2 W2 H2 Cmono\nFRAME\n1234FRAME\n5678"))
	f.Add([]byte("YUV4MPEG2 W8192 H8192\nFRAME\n"))
	f.Add([]byte("YUV4MPEG2 W3 H3 C444 XYSCSS=444\nFRAME Ixyz\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "clip.y4m")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := camera.OpenY4M(p)
		if err != nil {
			return
		}
		defer c.Close()
		for range 3 {
			s, err := c.Next()
			if err != nil {
				break
			}
			if w, h := c.Size(); len(s.Pix) != w*h {
				t.Fatalf("frame of %d bytes for %dx%d", len(s.Pix), w, h)
			}
		}
		c.Rewind()
	})
}
