package page

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleToday is a pinned day on which the sample roster has confirmed and
// projected shifts in view.
var sampleToday = civil.MustParse("2026-11-27")

func sampleRoster(t testing.TB) *roster.Roster {
	t.Helper()
	r, probs, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatalf("%v %v", err, probs)
	}
	return r
}

func sampleModel(t testing.TB) Model {
	r := sampleRoster(t)
	from, until := DefaultRange(sampleToday)
	return FromRotation(r, sampleToday, from, until, Links{Team: "calendar.ics", PersonBase: "calendar/"})
}

func render(t testing.TB, m Model) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering; run go test ./internal/page -update and review the diff", path)
	}
}

func TestSampleRosterGolden(t *testing.T) {
	golden(t, "sample.html", render(t, sampleModel(t)))
}
