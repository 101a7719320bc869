package app

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/scanner"
)

// ErrNoImages: a replay directory holds no image passgate reads.
var ErrNoImages = errors.New("no PNG, JPEG, WebP or PGM images in the directory")

// OpenClip opens a replay: a Y4M file, or a directory of images played in
// name order.
func OpenClip(path string) (camera.Clip, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return camera.OpenY4M(path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var stills []camera.Still
	for _, en := range entries {
		ext := strings.ToLower(filepath.Ext(en.Name()))
		if en.IsDir() || !slices.Contains([]string{".png", ".jpg", ".jpeg", ".webp", ".pgm"}, ext) {
			continue
		}
		l, err := scanner.LoadFile(filepath.Join(path, en.Name()))
		if err != nil {
			return nil, err
		}
		stills = append(stills, camera.Still{Pix: l.Pix, Width: l.Width, Height: l.Height, Stride: l.Stride})
	}
	if len(stills) == 0 {
		return nil, ErrNoImages
	}
	return camera.NewStills(stills)
}
