package roster

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLoadZone(t *testing.T) {
	if loc, err := LoadZone("Europe/Berlin"); err != nil || loc.String() != "Europe/Berlin" {
		t.Fatalf("Europe/Berlin: %v, %v", loc, err)
	}
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons", "../../etc/passwd"} {
		_, err := LoadZone(name)
		if err == nil || !strings.Contains(err.Error(), "is not an IANA time zone name") {
			t.Errorf("%q: %v", name, err)
		}
	}
}

// A machine without a time-zone database (an empty container image) is
// told so, not that Europe/Berlin is no zone.
func TestLoadZoneWithoutADatabase(t *testing.T) {
	defer func(f func(string) (*time.Location, error)) { loadLocation = f }(loadLocation)
	loadLocation = func(name string) (*time.Location, error) {
		return nil, errors.New("unknown time zone " + name)
	}
	_, err := LoadZone("Europe/Berlin")
	if err == nil || !strings.Contains(err.Error(), `time zone "Europe/Berlin": this machine has no IANA time-zone database`) ||
		!strings.Contains(err.Error(), "ZONEINFO") {
		t.Fatalf("got %v", err)
	}
	var r Roster
	err = r.Timezone.UnmarshalText([]byte("Europe/Berlin"))
	if err == nil || !strings.Contains(err.Error(), "no IANA time-zone database") {
		t.Fatalf("roster: %v", err)
	}
}
