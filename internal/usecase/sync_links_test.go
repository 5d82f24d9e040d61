package usecase_test

import (
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/sandbox"
)

// On GitHub Enterprise Server the web host is not github.com: the notes
// on the ticket link the issue by the html_url GitHub gave.
func TestNotesLinkTheIssueByItsHTMLURL(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{WebURL: "https://ghe.example.com"})
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Kernel dies", Tags: []string{"engineering"}})
	w.settle(3)
	want := `href="https://ghe.example.com/acme/support/issues/1"`
	notes := w.fd.Conversations(id)
	if len(notes) != 1 || !strings.Contains(notes[0].Body, want) {
		t.Fatalf("link note: %+v", notes)
	}
	w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
	w.settle(3)
	notes = w.fd.Conversations(id)
	if len(notes) != 2 || !strings.Contains(notes[1].Body, "Resolved:") || !strings.Contains(notes[1].Body, want) {
		t.Fatalf("resolved note: %+v", notes)
	}
	for _, n := range notes {
		if strings.Contains(n.Body, "https://github.com/") {
			t.Errorf("a note links github.com on a GitHub Enterprise Server:\n%s", n.Body)
		}
	}
}
