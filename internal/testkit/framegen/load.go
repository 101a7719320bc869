package framegen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/internal/testkit/conformance"
	"github.com/passgate/passgate/scanner"
)

// LoadPasses reads the HC1 text of every *.txt file in dir (the project's
// fixture passes, testdata/passes) and draws each as a QR code the way the
// project's issuer does. Sources are named by file name, in name order.
func LoadPasses(dir string) ([]Source, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("framegen: list passes: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("framegen: no *.txt passes in %s", dir)
	}
	sort.Strings(files)
	out := make([]Source, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("framegen: read pass: %w", err)
		}
		text := strings.TrimSpace(string(raw))
		img, err := issue.QR(text, 1)
		if err != nil {
			return nil, fmt.Errorf("framegen: draw pass %s: %w", f, err)
		}
		src, err := NewSource(filepath.Base(f), text, scanner.FromImage(img))
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

// LoadDCC reads the QR images of the EU DCC test vectors under dir (the
// dgc-testdata folder): the PNG in each vector's 2DCODE field, holding the
// text in its PREFIX field. Only vectors whose EXPECTEDPICTUREDECODE is true
// are used: when it is absent nothing is promised (the images of ES 501-503
// hold other text than their PREFIX). Sources are named by the path of the
// vector relative to dir, in path order.
func LoadDCC(dir string) ([]Source, error) {
	vs, err := conformance.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("framegen: load DCC images: %w", err)
	}
	var out []Source
	for _, v := range conformance.Pictures(vs) {
		img, err := scanner.Load(bytes.NewReader(v.PNG))
		if err != nil {
			return nil, fmt.Errorf("framegen: load DCC images: %s: %w", v.Path, err)
		}
		src, err := NewSource(v.Path, v.Prefix, img)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}
