//go:build !race

package rotation

const raceEnabled = false
