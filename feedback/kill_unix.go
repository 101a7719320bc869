//go:build unix

package feedback

import (
	"os/exec"
	"syscall"
)

// killGroup makes cancelling cmd kill its whole process group.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
