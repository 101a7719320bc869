package framegen_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/framegen"
)

// BenchmarkCorpus generates the default corpus (300 frames, both sizes,
// both cores) from the fixture passes and the DCC images.
func BenchmarkCorpus(b *testing.B) {
	srcs := sources(b)
	for b.Loop() {
		if _, err := framegen.Corpus(framegen.Options{Seed: 1, Sources: srcs}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender renders one frame of a pass, flat and sharp, and with
// every distortion the corpus uses.
func BenchmarkRender(b *testing.B) {
	src := testSource(b, strings.Repeat("HC1:NCFOXN%TS3DH0RGPJB/IB-OM7533", 18), 1)
	for _, size := range framegen.DefaultSizes() {
		flat := framegen.Params{Width: size.X, Height: size.Y, Seed: 1, Size: 0.6, X: 0.5, Y: 0.5, Dark: 20, Light: 230}
		worst := flat
		worst.Rotation, worst.Tilt, worst.TiltAxis = 30, 20, 60
		worst.Blur, worst.BlurKind, worst.Noise, worst.JPEG = 1.5, framegen.Gaussian, 6, 50
		worst.Glare = framegen.Glare{X: 0.4, Y: 0.4, Radius: 0.2, Strength: 0.7}
		for name, p := range map[string]framegen.Params{"flat": flat, "distorted": worst} {
			b.Run(fmt.Sprintf("%dx%d/%s", size.X, size.Y, name), func(b *testing.B) {
				for b.Loop() {
					if _, err := framegen.Render(src, p); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
