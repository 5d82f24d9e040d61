package page

import (
	"bytes"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
)

var d = civil.MustParse

func bare() Model {
	return Model{Team: "T", TimeZone: "UTC", Today: d("2026-03-04"), From: d("2026-03-02"), Until: d("2026-03-30")}
}

func TestRenderRefusesARangeItCannotShow(t *testing.T) {
	for name, m := range map[string]Model{
		"empty":    {From: d("2026-03-02"), Until: d("2026-03-02")},
		"reversed": {From: d("2026-03-02"), Until: d("2026-03-01")},
		"unset":    {},
		"too long": {From: d("2026-01-01"), Until: d("2030-01-01")},
	} {
		var b bytes.Buffer
		if err := Render(&b, m); err == nil || b.Len() != 0 {
			t.Errorf("%s: err %v, %d bytes written", name, err, b.Len())
		}
	}
}

func TestBarsArePlacedAndClippedToTheRange(t *testing.T) {
	m := bare()
	ada := Person{"ada", "Ada"}
	m.Shifts = []Shift{
		{Person: ada, Start: d("2026-02-16"), End: d("2026-03-16"), Confirmed: true}, // starts before
		{Person: ada, Start: d("2026-03-16"), End: d("2026-04-13")},                  // ends after
		{Person: ada, Start: d("2026-04-13"), End: d("2026-05-11")},                  // out of range
	}
	v, err := layout(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rows) != 1 || len(v.Rows[0].Bars) != 2 {
		t.Fatalf("rows %+v", v.Rows)
	}
	b0, b1 := v.Rows[0].Bars[0], v.Rows[0].Bars[1]
	if b0.Left != "0.000" || b0.Width != "50.000" || b0.Clipped != "start" || b0.Class != "confirmed" {
		t.Errorf("first bar %+v", b0)
	}
	if b1.Left != "50.000" || b1.Width != "50.000" || b1.Clipped != "end" || b1.Class != "projected" {
		t.Errorf("second bar %+v", b1)
	}
	if b0.Text != "Confirmed · 16 Feb – 15 Mar" {
		t.Errorf("a bar's dates are its first and last day: %q", b0.Text)
	}
	if len(v.Agenda) != 2 {
		t.Errorf("agenda %+v", v.Agenda)
	}
}

func TestOverlappingGapsGetLanesAndCoversMarkTheShift(t *testing.T) {
	m := bare()
	m.Gaps = []Gap{{d("2026-03-02"), d("2026-03-16")}, {d("2026-03-09"), d("2026-03-23")}, {d("2026-03-16"), d("2026-03-30")}}
	ada, bob := Person{"ada", "Ada"}, Person{"bob", "Bob"}
	m.Shifts = []Shift{{Person: ada, Start: d("2026-03-02"), End: d("2026-03-30")}}
	m.Covers = []Cover{{Who: bob, For: ada, From: d("2026-03-09"), To: d("2026-03-15")}}
	v, err := layout(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Gaps) != 2 || len(v.Gaps[0]) != 2 || len(v.Gaps[1]) != 1 {
		t.Errorf("gap lanes %+v", v.Gaps)
	}
	if len(v.Rows) != 2 || v.Rows[0].Handle != "ada" || v.Rows[1].Handle != "bob" {
		t.Fatalf("rows %+v", v.Rows)
	}
	cov := v.Rows[0].Bars[0].Covered
	if len(cov) != 1 || cov[0].Left != "25.000" || cov[0].Width != "25.000" || !strings.Contains(cov[0].Label, "covered by Bob") {
		t.Errorf("covered part %+v", cov)
	}
	if c := v.Rows[1].Bars[0]; c.Kind != "cover" || c.Left != "25.000" || c.Width != "25.000" || c.Text != "Covering for Ada · 9–15 Mar" {
		t.Errorf("cover bar %+v", c)
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	m := bare()
	m.Team = `<script>alert("team")</script>`
	evil := Person{Handle: `x" onmouseover="alert(1)`, Name: `<img src=x onerror=alert(1)>`}
	m.Shifts = []Shift{{Person: evil, Start: d("2026-03-02"), End: d("2026-03-30")}}
	m.Events = []Event{{Name: "</style><script>alert(2)</script>", Hub: "h", From: d("2026-03-03"), To: d("2026-03-04")}}
	m.Links.PersonBase = "https://steward.example.org/calendar/"
	html := render(t, m)
	for _, bad := range []string{"<script>alert", "<img src=x", `" onmouseover="`} {
		if strings.Contains(html, bad) {
			t.Errorf("unescaped %q in the page", bad)
		}
	}
	if strings.Count(html, "<script>") != 1 {
		t.Error("more than the page's own script")
	}
}

func TestEmptyTodayAndNoHandoff(t *testing.T) {
	m := bare()
	m.Today = d("2027-01-01") // outside the range
	html := render(t, m)
	for _, want := range []string{"Nobody is on duty", "No handoff is scheduled.", "No shifts in this range."} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(html, `class="today"`) {
		t.Error("a today marker for a day outside the range")
	}
}

func TestDefaultRangeIsTwelveWeeksFromMonday(t *testing.T) {
	for _, today := range []string{"2026-11-23", "2026-11-27", "2026-11-29"} {
		from, until := DefaultRange(d(today))
		if from != d("2026-11-23") || until.Sub(from) != 84 {
			t.Errorf("%s: [%s, %s)", today, from, until)
		}
	}
}
