package clock

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// Variable names the environment variable that sets the moment steward
// runs as: an RFC 3339 time such as 2027-03-01T09:00:00-08:00. Every
// command, the Action, `serve`, the demo and the sandboxes read it here,
// through FromEnv or System, so one setting replays or previews a day
// everywhere at once.
//
// It moves the team's day only: who is on duty, which sprint is current,
// how old a ticket is, what is due. Protocol time stays on the wall clock
// (signature timestamps, token expiry, rate-limit resets, timeouts), since
// the services on the other side keep real time.
const Variable = "STEWARD_NOW"

// Shifted is the wall clock moved to start from a chosen moment: it then
// runs at the wall clock's pace, so a server started as of 09:00 says
// 10:00 an hour later. Sleep waits in real time.
type Shifted struct {
	offset time.Duration
	loc    *time.Location
}

// ShiftedTo returns a clock whose Now is at when called now, in at's zone.
func ShiftedTo(at time.Time) Shifted {
	return Shifted{offset: time.Until(at), loc: at.Location()}
}

// Now returns the shifted time, in the zone the moment was given in.
func (s Shifted) Now() time.Time { return time.Now().Add(s.offset).In(s.loc) }

// Sleep waits for d in real time, or until ctx is done.
func (s Shifted) Sleep(ctx context.Context, d time.Duration) error { return Real{}.Sleep(ctx, d) }

// ParseMoment reads a Variable's value: an RFC 3339 time with its offset
// (a date alone would leave the zone, and so the day, to guess), in the
// years 1900 to 2199 that the roster's dates allow.
func ParseMoment(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q: want an RFC 3339 time with its offset, such as 2027-03-01T09:00:00-08:00 or 2027-03-01T17:00:00Z", Variable, s)
	}
	if y := t.Year(); y < 1900 || y > 2199 {
		return time.Time{}, fmt.Errorf("%s=%q: the year must be between 1900 and 2199", Variable, s)
	}
	return t, nil
}

// FromEnv returns the clock getenv asks for: the wall clock when Variable
// is unset or empty, else a Shifted clock starting at its moment.
func FromEnv(getenv func(string) string) (Clock, error) {
	v := getenv(Variable)
	if strings.TrimSpace(v) == "" {
		return Real{}, nil
	}
	at, err := ParseMoment(v)
	if err != nil {
		return nil, err
	}
	return ShiftedTo(at), nil
}

// System is FromEnv of this process's environment. Code that has no
// getenv of its own (the sandboxes' default clock, tests that build
// fixtures around today) uses it, so it sees the day the binary sees.
func System() (Clock, error) { return FromEnv(os.Getenv) }

// MustSystem is System for test and sandbox code, where a malformed
// Variable is the caller's mistake: it panics with System's error.
func MustSystem() Clock {
	c, err := System()
	if err != nil {
		panic(err)
	}
	return c
}
