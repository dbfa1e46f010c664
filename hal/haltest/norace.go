//go:build !race

package haltest

const raceEnabled = false
