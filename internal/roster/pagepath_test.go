package roster

import (
	"strings"
	"testing"
)

func TestPagePath(t *testing.T) {
	github := minimal + "integrations:\n  github:\n    repo: o/r\n    calendar_path: cal/stewards.ics\n    page_path: "
	r, probs := Parse("r.yaml", []byte(github+"docs/stewards.html\n"))
	if r == nil || len(probs) > 0 || r.Integrations.GitHub.PagePath != "docs/stewards.html" {
		t.Fatalf("a good page_path: %v", probs)
	}
	for path, want := range map[string]string{
		"roster.yaml":      `r.yaml:12:5: integrations.github.page_path: "roster.yaml" is the roster itself`,
		"cal/stewards.ics": `r.yaml:12:5: integrations.github.page_path: "cal/stewards.ics" is also calendar_path`,
		"../site/x.html":   `r.yaml:12:5: integrations.github.page_path: "../site/x.html" is not a file path inside the repository`,
		"/x.html":          `is not a file path inside the repository`,
		"docs/":            `is not a file path inside the repository`,
	} {
		_, probs := Parse("r.yaml", []byte(github+path+"\n"))
		if len(probs) != 1 || !strings.Contains(probs[0].String(), want) {
			t.Errorf("page_path %s: %v, want %s", path, probs, want)
		}
	}
}

// A calendar_path that names the roster would make a rotation pull request
// replace roster.yaml with the calendar; a workflow path would let it
// rewrite CI.
func TestCalendarPath(t *testing.T) {
	github := minimal + "integrations:\n  github:\n    repo: o/r\n    calendar_path: "
	for path, want := range map[string]string{
		"roster.yaml":                   `r.yaml:11:5: integrations.github.calendar_path: "roster.yaml" is the roster itself`,
		"../../etc/passwd":              `is not a file path inside the repository`,
		"/abs/x.ics":                    `is not a file path inside the repository`,
		".github/workflows/steward.yml": `(nor under .git or .github)`,
	} {
		_, probs := Parse("r.yaml", []byte(github+path+"\n"))
		if len(probs) != 1 || !strings.Contains(probs[0].String(), want) {
			t.Errorf("calendar_path %s: %v, want %s", path, probs, want)
		}
	}
	if r, probs := Parse("r.yaml", []byte(github+"calendar/stewards.ics\n")); r == nil {
		t.Errorf("a good calendar_path: %v", probs)
	}
}
