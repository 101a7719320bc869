package framegen_test

import (
	"fmt"
	"log"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// ExampleRender draws one code, turned a quarter and tilted, and says
// where it is.
func ExampleRender() {
	const text = "HC1:EXAMPLE"
	img, err := issue.QR(text, 1)
	if err != nil {
		log.Fatal(err)
	}
	src, err := framegen.NewSource("example", text, scanner.FromImage(img))
	if err != nil {
		log.Fatal(err)
	}
	f, err := framegen.Render(src, framegen.Params{
		Width: 640, Height: 480, Size: 0.4, X: 0.5, Y: 0.5,
		Rotation: 90, Tilt: 20, TiltAxis: 45, Dark: 30, Light: 220,
		Noise: 4, Blur: 1, BlurKind: framegen.Gaussian, JPEG: 60,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%dx%d frame of %s, %d modules a side\n", f.Luma.Width, f.Luma.Height, f.Text, src.Modules())
	for _, c := range f.Corners {
		fmt.Printf("(%.0f, %.0f) ", c.X, c.Y)
	}
	fmt.Println()
	// Output:
	// 640x480 frame of HC1:EXAMPLE, 21 modules a side
	// (416, 144) (419, 339) (224, 336) (237, 157)
}
