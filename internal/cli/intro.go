package cli

import "fmt"

// intro is what `passgate` with no arguments shows until the kiosk screen
// exists: what this build does and how to try it.
func intro(e *Env) int {
	c, _ := catalog(e, "")
	fmt.Fprintln(e.Stdout, c.T("cli.intro"))
	return ExitOK
}
