package roster

import (
	"strings"
	"testing"
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
