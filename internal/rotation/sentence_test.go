package rotation

import (
	"testing"

	"github.com/support-steward/steward/internal/civil"
)

// The on-duty and handoff sentences every report uses (the run summary,
// the support dashboard, rotation pull requests, the demo, `steward who`).
func TestTheSentencesSayWhoIsOnDutyAndWhatTheHandoffChanges(t *testing.T) {
	d := func(s string) civil.Date {
		v, err := civil.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ada := Shift{Name: "Ada Lovelace", GitHub: "ada", Start: d("2026-03-02"), End: d("2026-03-16")}
	grace := Shift{Name: "Grace Hopper", GitHub: "grace", Start: d("2026-02-23"), End: d("2026-03-09")}
	alan := Shift{Name: "Alan Turing", GitHub: "alan", Start: d("2026-03-09"), End: d("2026-03-23")}
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"a gap", Status{}.OnDutySentence(), "nobody: the rotation has a gap"},
		{"one", Status{OnDuty: []Shift{ada}}.OnDutySentence(), "Ada Lovelace (@ada, until 2026-03-16)"},
		{"two", Status{OnDuty: []Shift{grace, ada}}.OnDutySentence(), "Grace Hopper (@grace, until 2026-03-09) and Ada Lovelace (@ada, until 2026-03-16)"},
		{"a handoff", Handoff{Joining: []Shift{alan}, Leaving: []Shift{grace}, Staying: []Shift{ada}}.Sentence(),
			"Alan Turing (@alan) joins, Grace Hopper (@grace) leaves, Ada Lovelace (@ada) stays"},
		{"two join", Handoff{Joining: []Shift{alan, ada}}.Sentence(), "Alan Turing (@alan) and Ada Lovelace (@ada) join"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
