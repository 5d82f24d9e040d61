package template

import (
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

func date(t *testing.T, s string) civil.Date {
	t.Helper()
	var d civil.Date
	if err := d.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNextMondayIsAlwaysAfterToday(t *testing.T) {
	for today, want := range map[string]string{
		"2026-11-27": "2026-11-30", // Friday
		"2026-11-29": "2026-11-30", // Sunday
		"2026-11-30": "2026-12-07", // a Monday already under way
		"2026-12-01": "2026-12-07",
	} {
		if got := NextMonday(date(t, today)); got.String() != want {
			t.Errorf("after %s: %s, want %s", today, got, want)
		}
	}
}

// A new team's roster is valid without a warning, has no confirmed shift,
// and its schedule starts on support.start with the team's own engineers:
// copying the sample roster used to carry its 11 strangers' shifts along.
func TestANewTeamStartsOnItsOwnMonday(t *testing.T) {
	start := date(t, "2026-11-30")
	data, err := Render(Team{Name: "Data: Platform \"Ops\"", Timezone: "Europe/Berlin", Start: start,
		Engineers: []Engineer{{"Zoë Zed", "zz"}, {"ada", "ada-l"}, {"Bob Bee", "bob"}}})
	if err != nil {
		t.Fatal(err)
	}
	r, probs := roster.Parse("roster.yaml", data)
	if r == nil || len(probs) != 0 {
		t.Fatalf("problems: %v\n%s", probs, data)
	}
	if r.Team != `Data: Platform "Ops"` || r.Timezone.Name != "Europe/Berlin" || len(r.Shifts) != 0 || r.Integrations.GitHub != nil || r.Integrations.Freshdesk != nil {
		t.Errorf("roster: %+v", r)
	}
	s := rotation.Compute(r, start.AddDays(-14), start.AddDays(28))
	if len(s.Shifts) == 0 || s.Shifts[0].Start != start || s.Shifts[0].GitHub != "ada-l" {
		t.Fatalf("schedule: %+v", s.Shifts)
	}
	for _, sh := range s.Shifts {
		if sh.Start.Before(start) || sh.Confirmed {
			t.Errorf("shift %+v", sh)
		}
	}
	for _, want := range []string{"# integrations:", "#   github:", "#     repo: your-org/support", "shifts: []"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("lacks %q", want)
		}
	}
	// The rotation pull request can append to it.
	if _, err := roster.SetShifts(data, []roster.Shift{{GitHub: "ada-l", Start: start, End: start.AddDays(28)}}); err != nil {
		t.Error(err)
	}
}

func TestTheExampleIsValidAndSaysWhatToChange(t *testing.T) {
	data, err := Render(Example(date(t, "2026-11-30")))
	if err != nil {
		t.Fatal(err)
	}
	if r, probs := roster.Parse("roster.yaml", data); r == nil || len(probs) != 0 {
		t.Fatalf("%v", probs)
	}
	for _, want := range []string{"THIS IS AN EXAMPLE", "replace-me-1", "start: 2026-11-30"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("lacks %q", want)
		}
	}
}

func TestATeamOfOneServesAlone(t *testing.T) {
	data, err := Render(Team{Name: "Solo", Start: date(t, "2026-11-30"), Engineers: []Engineer{{"Ada", "ada"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r, probs := roster.Parse("roster.yaml", data); r == nil || len(probs) != 0 || r.Support.TeamSize != 1 {
		t.Fatalf("%v\n%s", probs, data)
	}
}

func TestBadInputIsRefusedWithWhere(t *testing.T) {
	if _, err := ParseNames("team.txt", []byte("# our team\nAda Lovelace, ada\n\nbob\nGrace Hopper\n")); err == nil || !strings.HasPrefix(err.Error(), "team.txt:5: ") {
		t.Errorf("a name without a handle: %v", err)
	}
	es, err := ParseNames("team.txt", []byte("Ada Lovelace, @ada\nbob\n"))
	if err != nil || len(es) != 2 || es[0] != (Engineer{"Ada Lovelace", "ada"}) || es[1] != (Engineer{"bob", "bob"}) {
		t.Errorf("%v %v", es, err)
	}
	if _, err := Render(Team{Name: "T", Timezone: "Mars/Olympus", Start: date(t, "2026-11-30"), Engineers: es}); err == nil || !strings.Contains(err.Error(), "IANA") {
		t.Errorf("time zone: %v", err)
	}
	if _, err := Render(Team{Name: "T", Start: date(t, "2026-11-30"), Engineers: []Engineer{{"X", "not_a_login!"}}}); err == nil || !strings.Contains(err.Error(), "engineers[0].github") {
		t.Errorf("a bad handle: %v", err)
	}
	if _, err := Render(Team{Name: "T", Start: date(t, "2026-11-30")}); err == nil {
		t.Error("no engineers")
	}
}
