package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rotation"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() rotation.Schedule {
	d := civil.MustParse
	return rotation.Schedule{
		Shifts: []rotation.Shift{
			{GitHub: "ada-l", Name: "Ada Lovelace", Start: d("2026-11-09"), End: d("2026-12-07"), Confirmed: true},
			{GitHub: "Grace", Name: "Grace Hopper, Rear Admiral; USN", Start: d("2026-11-23"), End: d("2026-12-21")},
			{GitHub: "zoe", Name: "Zoë Ångström-Þórsdóttir de la Cruz y Fernández-Villaverde", Start: d("2026-12-07"), End: d("2027-01-04")},
		},
		Gaps: []rotation.Gap{{Start: d("2026-12-21"), End: d("2027-01-04"), Seat: 1}},
	}
}

func render(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := Write(&buf, sample(), Options{
		Name: "Support Stewards — Open Infrastructure", Domain: "example-org.github.io",
		Stamp: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Refresh: 12 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	got := render(t)
	path := filepath.Join("testdata", "schedule.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ICS differs from %s (run with -update to accept):\n%s", path, got)
	}
}

func TestLinesAreCRLFAndFoldedAt75Octets(t *testing.T) {
	out := render(t)
	if !bytes.HasSuffix(out, []byte("END:VCALENDAR\r\n")) {
		t.Fatal("calendar does not end with END:VCALENDAR CRLF")
	}
	folded := 0
	for i, line := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
		if strings.Contains(line, "\n") || strings.Contains(line, "\r") {
			t.Fatalf("line %d has a bare newline: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if strings.HasPrefix(line, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Error("the long names should have produced folded lines")
	}
}

func TestParsesBackWithARealParser(t *testing.T) {
	cal, err := ics.ParseCalendar(bytes.NewReader(render(t)))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 4 {
		t.Fatalf("parsed %d events, want 4", len(events))
	}
	want := []struct{ uid, summary, status, start, end string }{
		{"20261109-ada-l@example-org.github.io", "Support Steward: Ada Lovelace", "CONFIRMED", "2026-11-09", "2026-12-07"},
		{"20261123-grace@example-org.github.io", "Support Steward: Grace Hopper, Rear Admiral; USN", "TENTATIVE", "2026-11-23", "2026-12-21"},
		{"20261207-zoe@example-org.github.io", "Support Steward: Zoë Ångström-Þórsdóttir de la Cruz y Fernández-Villaverde", "TENTATIVE", "2026-12-07", "2027-01-04"},
		{"20261221-unfilled-1@example-org.github.io", "Support Steward: unfilled", "TENTATIVE", "2026-12-21", "2027-01-04"},
	}
	for i, ev := range events {
		w := want[i]
		prop := func(p ics.ComponentProperty) string {
			if v := ev.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		if ev.Id() != w.uid || prop(ics.ComponentPropertySummary) != w.summary || prop(ics.ComponentPropertyStatus) != w.status {
			t.Errorf("event %d: uid %q summary %q status %q; want %+v", i, ev.Id(), prop(ics.ComponentPropertySummary), prop(ics.ComponentPropertyStatus), w)
		}
		start, err := ev.GetAllDayStartAt()
		if err != nil || start.Format(time.DateOnly) != w.start {
			t.Errorf("event %d: start %v %v, want %s", i, start, err, w.start)
		}
		if p := ev.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["VALUE"][0] != "DATE" {
			t.Errorf("event %d: DTSTART is not an all-day DATE", i)
		}
		if end := prop(ics.ComponentPropertyDtEnd); end != strings.ReplaceAll(w.end, "-", "") {
			t.Errorf("event %d: DTEND %s, want %s (exclusive)", i, end, w.end)
		}
	}
}

func TestUIDsAreStableAcrossRuns(t *testing.T) {
	a, b := render(t), render(t)
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same schedule differ")
	}
}
