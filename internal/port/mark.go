package port

import "time"

// Mark is a moment kept between runs: when a sync last read every change
// it needed and wrote all it planned.
type Mark interface {
	// Get returns the moment, false when none is kept.
	Get() (time.Time, bool)
	// Set keeps t; losing it costs a read over the usual window only.
	Set(t time.Time)
}
