package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func downN(l *Luma, n int) *Luma {
	out := NewLuma(l.Width/n, l.Height/n)
	for y := 0; y < out.Height; y++ {
		for x := 0; x < out.Width; x++ {
			s := 0
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					s += int(l.At(n*x+i, n*y+j))
				}
			}
			out.Pix[y*out.Stride+x] = byte(s / (n * n))
		}
	}
	return out
}

func rawTry(l *Luma, global, harder bool) (string, error) {
	var bin gozxing.Binarizer
	if global {
		bin = gozxing.NewGlobalHistgramBinarizer(source{l})
	} else {
		bin = gozxing.NewHybridBinarizer(source{l})
	}
	bmp, _ := gozxing.NewBinaryBitmap(bin)
	h := map[gozxing.DecodeHintType]any{}
	if harder {
		h[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	r, err := qrcode.NewQRCodeReader().Decode(bmp, h)
	if err != nil {
		return "", err
	}
	return r.GetText(), nil
}

func TestExplore(t *testing.T) {
	names := strings.Fields(os.Getenv("EXPLORE"))
	for _, n := range names {
		path := filepath.Join("/work/shared/testdata/qr-blackbox", n)
		l, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".txt")
		var hits []string
		for _, rot := range []int{0, 90, 180, 270} {
			base := l
			for i := 0; i < rot/90; i++ {
				base = base.Rotate90()
			}
			for _, inv := range []bool{false, true} {
				b := base
				if inv {
					b = invert(b)
				}
				for _, sc := range []string{"1", "/2", "/3", "/4", "x2", "x4"} {
					s := b
					switch sc {
					case "/2":
						s = b.half()
					case "/3":
						s = downN(b, 3)
					case "/4":
						s = downN(b, 4)
					case "x2":
						s = b.double()
					case "x4":
						s = b.double().double()
					}
					for _, g := range []bool{false, true} {
						for _, h := range []bool{false, true} {
							txt, err := rawTry(s, g, h)
							if err == nil && txt == string(want) {
								hits = append(hits, fmt.Sprintf("r%d i%v s%s g%v h%v", rot, inv, sc, g, h))
							}
						}
					}
				}
			}
		}
		t.Logf("%s %dx%d: %d hits %v", n, l.Width, l.Height, len(hits), hits)
	}
}

type spec struct {
	rot     int
	inv     bool
	sc      string
	g, h    bool
}

func scaled(b *Luma, sc string) *Luma {
	switch sc {
	case "/2":
		return b.half()
	case "/3":
		return downN(b, 3)
	case "/4":
		return downN(b, 4)
	case "x2":
		return b.double()
	case "x3":
		return b.double().double()
	}
	return b
}

func TestGreedy(t *testing.T) {
	type item struct {
		name string
		l    *Luma
		want string
	}
	var items []item
	for _, set := range []string{"qrcode-2", "qrcode-6"} {
		dir := filepath.Join("/work/shared/testdata/qr-blackbox", set)
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			ext := filepath.Ext(e.Name())
			if ext == ".txt" {
				continue
			}
			p := filepath.Join(dir, e.Name())
			l, err := LoadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			w, _ := os.ReadFile(strings.TrimSuffix(p, ext) + ".txt")
			items = append(items, item{set + "/" + e.Name(), l, string(w)})
		}
	}
	// abs[i][rot] -> set of specs (rot=0) that succeed
	var specs []spec
	for _, inv := range []bool{false, true} {
		for _, sc := range []string{"1", "/2", "/3", "/4", "x2", "x3"} {
			for _, g := range []bool{false, true} {
				for _, h := range []bool{false, true} {
					specs = append(specs, spec{0, inv, sc, g, h})
				}
			}
		}
	}
	ok := map[string]map[int]map[spec]bool{}
	for _, it := range items {
		ok[it.name] = map[int]map[spec]bool{}
		b := it.l
		for rot := 0; rot < 360; rot += 90 {
			ok[it.name][rot] = map[spec]bool{}
			for _, s := range specs {
				x := b
				if s.inv {
					x = invert(x)
				}
				x = scaled(x, s.sc)
				txt, err := rawTry(x, s.g, s.h)
				if err == nil && txt == it.want {
					ok[it.name][rot][s] = true
				}
			}
			b = b.Rotate90()
		}
	}
	// candidates with relative rotation
	var cands []spec
	for _, r := range []int{0, 90, 180, 270} {
		for _, s := range specs {
			s.rot = r
			cands = append(cands, s)
		}
	}
	covers := func(c spec, name string, R int) bool {
		s := c
		s.rot = 0
		return ok[name][(R+c.rot)%360][s]
	}
	type key struct {
		name string
		R    int
	}
	covered := map[key]bool{}
	// start with current default approximations
	chosen := []spec{{0, false, "1", false, false}}
	for {
		for _, c := range chosen {
			for _, it := range items {
				for R := 0; R < 360; R += 90 {
					if covers(c, it.name, R) {
						covered[key{it.name, R}] = true
					}
				}
			}
		}
		best, bestN := spec{}, 0
		for _, c := range cands {
			n := 0
			for _, it := range items {
				for R := 0; R < 360; R += 90 {
					if !covered[key{it.name, R}] && covers(c, it.name, R) {
						n++
					}
				}
			}
			if n > bestN {
				best, bestN = c, n
			}
		}
		if bestN == 0 {
			break
		}
		t.Logf("add %+v: +%d", best, bestN)
		chosen = append(chosen, best)
	}
	for R := 0; R < 360; R += 90 {
		n := 0
		for _, it := range items {
			if covered[key{it.name, R}] {
				n++
			}
		}
		t.Logf("R%d: %d/%d", R, n, len(items))
	}
}
