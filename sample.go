// Package steward holds what the steward binary carries of this repository
// besides code: the sample roster that `steward demo` runs with, so the demo
// works from any directory.
package steward

import _ "embed"

// SampleRoster is roster.yaml, the sample team's roster.
//
//go:embed roster.yaml
var SampleRoster []byte
