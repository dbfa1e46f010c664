//go:build amd64 && !purego

package fimg

import "golang.org/x/sys/cpu"

// setPortable turns the assembly kernel off (true) or back on where the
// CPU has it, and returns the previous setting.
func setPortable(p bool) bool {
	old := !useAVX2
	useAVX2 = !p && cpu.X86.HasAVX2
	return old
}
