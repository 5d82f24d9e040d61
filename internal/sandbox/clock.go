package sandbox

import (
	"context"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// Clock is the emulators' time; sharing one with the clients under test
// makes a 60-second Retry-After take no real time.
type Clock = clock.Clock

// RealClock is the wall clock.
type RealClock = clock.Real

// ManualClock is a clock that moves only when told to, or when someone
// sleeps on it: Sleep advances it at once.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
	// slept is the total time slept on this clock.
	slept time.Duration
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Sleep advances the clock by d, unless ctx is already done.
func (c *ManualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.slept += d
	c.mu.Unlock()
	return nil
}

// Slept returns the total time slept on the clock.
func (c *ManualClock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}

// ScaledClock is time running scale times faster than the wall clock,
// from start: a minute of it passes in a second of real time at 60. Jobs
// that run at once and share it wait alongside one another, as they would
// on real time (a ManualClock adds up every sleeper's waits instead),
// while a 60-second Retry-After costs a real second.
type ScaledClock struct {
	start, real time.Time
	scale       float64
}

// NewScaledClock returns a clock at start, running scale times faster
// than real time.
func NewScaledClock(start time.Time, scale float64) *ScaledClock {
	return &ScaledClock{start: start, real: time.Now(), scale: scale}
}

// Now returns the clock's time.
func (c *ScaledClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.real)) * c.scale))
}

// Sleep waits d of the clock's time (d/scale of real time), or until ctx
// is done.
func (c *ScaledClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(time.Duration(float64(d) / c.scale))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
