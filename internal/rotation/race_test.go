//go:build race

package rotation

// raceEnabled: the race detector slows the engine tenfold; measurements skip.
const raceEnabled = true
