package clock

import (
	"strings"
	"testing"
	"time"
)

func TestFromEnvUnsetIsTheWallClock(t *testing.T) {
	for _, v := range []string{"", "  "} {
		c, err := FromEnv(func(string) string { return v })
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := c.(Real); !ok {
			t.Errorf("%q: got %T, want the wall clock", v, c)
		}
	}
}

func TestFromEnvStartsAtTheMomentAndKeepsItsZone(t *testing.T) {
	for _, v := range []string{"2028-02-29T09:00:00-08:00", "2027-12-31T21:30:00+14:00", "1999-01-04T00:00:00Z"} {
		want, _ := time.Parse(time.RFC3339, v)
		c, err := FromEnv(func(k string) string {
			if k != Variable {
				t.Errorf("read %s", k)
			}
			return v
		})
		if err != nil {
			t.Fatal(err)
		}
		got := c.Now()
		if d := got.Sub(want); d < 0 || d > time.Minute {
			t.Errorf("%s: Now() = %v, %v from the moment", v, got, d)
		}
		if got.Format("-07:00") != want.Format("-07:00") || got.Day() != want.Day() {
			t.Errorf("%s: Now() = %v, want it in the moment's zone", v, got)
		}
	}
}

// A shifted clock keeps running: a server started as of 09:00 is at
// 09:00 plus what has passed, never stuck.
func TestShiftedRunsAtTheWallClocksPace(t *testing.T) {
	at := time.Date(2028, 2, 29, 9, 0, 0, 0, time.UTC)
	c := ShiftedTo(at)
	first := c.Now()
	time.Sleep(20 * time.Millisecond)
	if d := c.Now().Sub(first); d < 20*time.Millisecond {
		t.Errorf("the shifted clock moved %v in 20ms", d)
	}
}

func TestParseMomentSaysWhatItWants(t *testing.T) {
	for _, v := range []string{"2027-03-01", "tomorrow", "2027-03-01T09:00:00", "1899-12-31T00:00:00Z", "2200-01-01T00:00:00Z", "2027-02-30T09:00:00Z"} {
		_, err := ParseMoment(v)
		if err == nil || !strings.Contains(err.Error(), Variable) || !strings.Contains(err.Error(), v) {
			t.Errorf("%q: err %v, want one naming %s and the value", v, err, Variable)
		}
	}
}
