package shareddata

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BlackboxImage is one image of the qr-blackbox sets with the text its code
// holds.
type BlackboxImage struct {
	Path string // the image file
	Name string // SET/FILE, e.g. "qrcode-2/6.webp"
	Want string // the text the code holds (NAME.txt beside the image)
}

// BlackboxSets are the qr-blackbox sets the scanner is held to.
var BlackboxSets = []string{"qrcode-2", "qrcode-6"}

// Blackbox lists the images of the sets under root (the qr-blackbox
// folder), in directory order, with their expected text.
func Blackbox(root string) ([]BlackboxImage, error) {
	var out []BlackboxImage
	for _, set := range BlackboxSets {
		ents, err := os.ReadDir(filepath.Join(root, set))
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			ext := filepath.Ext(e.Name())
			switch ext {
			case ".png", ".jpg", ".webp":
			default:
				continue
			}
			path := filepath.Join(root, set, e.Name())
			want, err := os.ReadFile(strings.TrimSuffix(path, ext) + ".txt")
			if err != nil {
				return nil, fmt.Errorf("expected text for %s: %w", path, err)
			}
			out = append(out, BlackboxImage{Path: path, Name: set + "/" + e.Name(), Want: string(want)})
		}
	}
	return out, nil
}
