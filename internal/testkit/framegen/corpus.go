package framegen

import (
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Options say what corpus to generate. The zero value of each field but
// Sources means its default.
type Options struct {
	// Seed chooses the frames: the same Seed and Options give the same
	// frames, byte for byte, on one architecture.
	Seed uint64
	// Count is the number of frames; default DefaultCount, or
	// DefaultDoorCount a kind for a door corpus.
	Count int
	// Sizes are the frame sizes, used in turn; default 640×480 and
	// 1280×720, the webcam resolutions the kiosk asks for.
	Sizes []image.Point
	// Sources are the codes to show, each frame one drawn at random.
	// Required unless every frame is to show no code.
	Sources []Source
	// NoCode is the share of frames without a code; default 0.15. A
	// negative value means none.
	NoCode float64
	// MinModule is the narrowest a module may be drawn, in pixels, after
	// tilt and perspective; default 3. It bounds the code size from below
	// (a flat 89-module pass is then at least 267 pixels wide), since a
	// webcam cannot resolve finer modules; a code too large to fit at this
	// width is not used at that frame size. See NewParams.
	MinModule float64
	// Workers render frames in parallel; default GOMAXPROCS. The frames do
	// not depend on it.
	Workers int
	// Kinds, when set, make a door corpus: every frame shows a code as
	// one of these door kinds (DoorKinds), taken in turn, with mild
	// other distortions (a small code's modules are 2 pixels wide at the
	// least, whatever MinModule says); NoCode is not used. A door corpus
	// is drawn from a random sequence of its own: the frames of the
	// default corpus of a Seed do not depend on it.
	Kinds []string
	// Progress, when set, is called after each frame is rendered with the
	// number done so far, one call at a time, for a progress display.
	Progress func(done, total int)
}

// DefaultCount is the number of frames of a corpus when Options.Count is 0.
const DefaultCount = 300

// DefaultSizes are the frame sizes of a corpus when Options.Sizes is empty.
func DefaultSizes() []image.Point { return []image.Point{{640, 480}, {1280, 720}} }

// ErrNoSource is returned (wrapped) by Corpus when a frame is to show a code
// but no source fits the frame.
var ErrNoSource = errors.New("framegen: no source fits the frame")

// Corpus draws the parameters of opts.Count frames from opts.Seed, one after
// another, and renders them. Frame i has size Sizes[i % len(Sizes)]; in a
// door corpus (Options.Kinds) it is of kind Kinds[i % len(Kinds)], and the
// frames of each kind go through the sizes in turn.
func Corpus(opts Options) ([]Frame, error) {
	o := opts // a copy: the caller's Options are not changed
	if o.Count == 0 {
		o.Count = DefaultCount
		if len(o.Kinds) > 0 {
			o.Count = DefaultDoorCount * len(o.Kinds)
		}
	}
	if len(o.Sizes) == 0 {
		o.Sizes = DefaultSizes()
	}
	if o.NoCode == 0 {
		o.NoCode = 0.15
	}
	if o.MinModule == 0 {
		o.MinModule = 3
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Count < 0 {
		return nil, fmt.Errorf("framegen: corpus of %d frames", o.Count)
	}
	var jobs []job
	if len(o.Kinds) > 0 {
		var err error
		if jobs, err = doorJobs(o); err != nil {
			return nil, err
		}
	} else {
		jobs = make([]job, o.Count)
		r := rand.New(rand.NewPCG(o.Seed, 0xf4a3e5))
		for i := range jobs {
			size := o.Sizes[i%len(o.Sizes)]
			j, err := pick(r, size, o)
			if err != nil {
				return nil, fmt.Errorf("framegen: frame %d (%dx%d): %w", i, size.X, size.Y, err)
			}
			jobs[i] = j
		}
	}

	frames := make([]Frame, o.Count)
	errs := make([]error, o.Count)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex // serialises Progress
		done int
	)
	next := make(chan int)
	for range o.Workers {
		wg.Go(func() {
			for i := range next {
				frames[i], errs[i] = Render(jobs[i].src, jobs[i].p)
				frames[i].Kind = jobs[i].kind
				if o.Progress != nil {
					mu.Lock()
					done++
					o.Progress(done, o.Count)
					mu.Unlock()
				}
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return frames, nil
}

// job is a frame to render.
type job struct {
	src  Source
	p    Params
	kind string // the door kind; "" in the default corpus
}

// pick draws one frame's source and parameters.
func pick(r *rand.Rand, size image.Point, o Options) (job, error) {
	var out job
	if r.Float64() < o.NoCode {
		out.p, _ = NewParams(r, size.X, size.Y, 0, o.MinModule)
		return out, nil
	}
	var fit []int
	for i, s := range o.Sources {
		if o.MinModule*float64(s.n) <= MaxSize*float64(size.Y) {
			fit = append(fit, i)
		}
	}
	if len(fit) == 0 {
		return out, ErrNoSource
	}
	out.src = o.Sources[fit[r.IntN(len(fit))]]
	out.p, _ = NewParams(r, size.X, size.Y, out.src.n, o.MinModule)
	return out, nil
}
