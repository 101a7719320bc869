// Package feedback tells the door what the desk decided, beside the
// screen: a sound (admit and refuse are told apart by ear), and an
// optional hook, a command run with the outcome as JSON on its standard
// input, to drive a door relay or a LED. Neither ever delays the next
// guest: both run in the background, the hook under a timeout.
package feedback

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"time"

	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/checkin"
)

// Options configure Feedback.
type Options struct {
	// Sound plays the admit and refuse sounds (aplay when installed, else
	// the terminal bell on Bell).
	Sound bool
	// Bell is where the terminal bell is written when aplay is missing;
	// nil means no bell.
	Bell io.Writer
	// AdmitWAV and RefuseWAV replace the built-in sounds when set.
	AdmitWAV, RefuseWAV []byte
	// Hook is a command run with sh -c for every guest, the outcome's
	// checkin.Report as JSON on its standard input; empty means none.
	Hook string
	// HookTimeout bounds a hook's run; 0 means 2 s.
	HookTimeout time.Duration
	// Errors receives what went wrong (a hook failing); nil drops it.
	Errors func(error)
	// LookPath finds programs; nil means exec.LookPath.
	LookPath func(string) (string, error)
}

// Feedback plays sounds and runs the hook.
type Feedback struct {
	o     Options
	aplay string
	wg    sync.WaitGroup
}

// New returns a Feedback.
func New(o Options) *Feedback {
	if o.HookTimeout <= 0 {
		o.HookTimeout = 2 * time.Second
	}
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	f := &Feedback{o: o}
	if o.Sound {
		f.aplay, _ = o.LookPath("aplay")
	}
	return f
}

// Outcome gives feedback for one guest. It returns at once.
func (f *Feedback) Outcome(out checkin.Outcome) {
	if out.Duplicate {
		return // the guest had feedback when first shown
	}
	if f.o.Sound {
		name := assets.SoundRefuse
		if out.Admitted {
			name = assets.SoundAdmit
		}
		f.play(name)
	}
	if f.o.Hook != "" {
		report, err := json.Marshal(out.Report())
		if err != nil {
			f.fail(err)
			return
		}
		f.wg.Go(func() { f.runHook(report) })
	}
}

func (f *Feedback) play(name string) {
	if f.aplay == "" {
		if f.o.Bell != nil {
			f.o.Bell.Write([]byte("\a"))
		}
		return
	}
	wav := f.o.RefuseWAV
	if name == assets.SoundAdmit {
		wav = f.o.AdmitWAV
	}
	if wav == nil {
		var err error
		if wav, err = assets.Sound(name); err != nil {
			f.fail(err)
			return
		}
	}
	f.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, f.aplay, "-q", "-")
		cmd.Stdin = bytes.NewReader(wav)
		if out, err := cmd.CombinedOutput(); err != nil {
			f.fail(fmt.Errorf("play %s sound: %v: %s", name, err, bytes.TrimSpace(out)))
		}
	})
}

func (f *Feedback) runHook(report []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), f.o.HookTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", f.o.Hook)
	cmd.Stdin = bytes.NewReader(append(report, '\n'))
	killGroup(cmd) // the hook's children go with it at the timeout
	cmd.WaitDelay = 200 * time.Millisecond
	// The hook's output is not passed on: it may echo the outcome it was
	// given, holder and all, and the error goes to the kiosk's log.
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		f.fail(fmt.Errorf("verdict hook %q: killed after %s", f.o.Hook, f.o.HookTimeout))
	case err != nil:
		f.fail(fmt.Errorf("verdict hook %q: %v (its output is not kept: it may hold the guest's details)", f.o.Hook, err))
	}
}

func (f *Feedback) fail(err error) {
	if f.o.Errors != nil {
		f.o.Errors(err)
	}
}

// Wait waits for sounds and hooks still running (at exit, and in tests).
func (f *Feedback) Wait() { f.wg.Wait() }
