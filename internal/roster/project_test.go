package roster

import (
	"strings"
	"testing"
)

// integrations.github.project's done_option (the Status of closed support
// issues, Done unless set) and archive_after (how long they stay Done
// before their items are archived, 14 days unless set, written like every
// other duration).
func TestProjectDoneOptionAndArchiveAfter(t *testing.T) {
	project := func(settings string) string {
		return minimal + "integrations:\n  github:\n    repo: o/r\n    project: {owner: o, number: 3" + settings + "}\n"
	}
	r, probs := Parse("r.yaml", []byte(project("")))
	if r == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if p := r.Integrations.GitHub.Project; p.Done() != "Done" || p.ArchiveAfterDays() != 14 {
		t.Errorf("defaults: %q %d", p.Done(), p.ArchiveAfterDays())
	}
	r, probs = Parse("r.yaml", []byte(project(", done_option: Shipped, archive_after: 3w")))
	if r == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if p := r.Integrations.GitHub.Project; p.Done() != "Shipped" || p.ArchiveAfterDays() != 21 {
		t.Errorf("set: %q %d", p.Done(), p.ArchiveAfterDays())
	}
	for settings, want := range map[string]string{
		", archive_after: 0d":                           `integrations.github.project.archive_after: "0d" is out of range`,
		", archive_after: soon":                         `integrations.github.project.archive_after: "soon" is not a duration`,
		`, done_option: " "`:                            "integrations.github.project.done_option: must name the Status option of closed support issues",
		", done_option: todo":                           `integrations.github.project.done_option: done_option and status_option are both "todo"`,
		", status_option: Done":                         `integrations.github.project.status_option: done_option and status_option are both "Done"`,
		", status_option: Closed, done_option: closed ": `integrations.github.project.done_option: done_option and status_option are both "closed"`,
	} {
		_, probs := Parse("r.yaml", []byte(project(settings)))
		var got []string
		for _, p := range probs.Errors() {
			got = append(got, p.String())
		}
		if len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("%s: %v, want %s", settings, got, want)
		}
	}
}
