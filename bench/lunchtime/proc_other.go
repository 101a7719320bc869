//go:build !linux

package main

import "syscall"

// childAttr: elsewhere than Linux a replica left behind by a crash of this
// program must be stopped by hand.
func childAttr() *syscall.SysProcAttr { return nil }
