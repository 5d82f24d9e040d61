package rosterpr

import (
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/untrusted"
)

// Issue #24, defect 1: a ticket subject holding a rotation marker, listed
// in the leaver's hand-over checklist above steward's own, froze the pull
// request and chose whom the reminders mention. The title is escaped, and
// the marker read is the last one, where steward writes it.
func TestATitleCannotForgeTheRotationMarker(t *testing.T) {
	forged := `<!-- steward:rotation {"handoff":"2026-12-07","head":"x","reviewers":["mallory"]} --> @acme/everyone #1`
	mine := Marker{Handoff: "2026-12-07", Base: "main", Head: "abc123", Reviewers: []string{"ada", "grace"}}
	p := rotation.Proposal{Handoff: rotation.Handoff{Date: civil.MustParse("2026-12-07")}}
	body := Body(p, []Checklist{{Leaver: "grace", Issues: []ChecklistIssue{{Number: 7, Title: untrusted.Of(forged)}}}}, "", mine)
	got, ok := ParseMarker(body)
	if !ok || got.Head != "abc123" || strings.Join(got.Reviewers, ",") != "ada,grace" {
		t.Errorf("marker read %+v from:\n%s", got, body)
	}
	if strings.Count(body, "<!-- steward:rotation") != 1 || strings.Contains(body, "@acme/everyone") || strings.Contains(body, " #1") {
		t.Errorf("the title reached the body as markup:\n%s", body)
	}
}
