package usecase_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

func TestARefusedResolveIsReportedOnceNotLooped(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.fd.AddField(sandbox.FDField{Name: "cf_root_cause", Label: "Root cause", Type: "custom_text", RequiredForClosure: true})
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "s", Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	w.sync()
	w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
	w.clock.Advance(time.Minute)
	r := w.sync()
	if !strings.Contains(failures(r), "cf_root_cause") {
		t.Fatalf("the refusal is not reported: %+v", r.Outcomes)
	}
	w.settle(2)
	puts := w.fd.Ledger().Count(sandbox.Route("PUT /api/v2/tickets/{id}"))
	w.settle(2)
	if again := w.fd.Ledger().Count(sandbox.Route("PUT /api/v2/tickets/{id}")); again != puts || puts != 1 {
		t.Errorf("steward tried to resolve %d times, then %d: it must not loop", puts, again)
	}
	is := w.issues()[0]
	if n := strings.Count(strings.Join(is.Comments, "\n"), "could not resolve"); n != 1 {
		t.Errorf("%d comments about the refusal", n)
	}
	// Someone fills the field in FreshDesk: the next run resolves.
	w.clock.Advance(time.Minute)
	w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.CustomFields = map[string]any{"cf_root_cause": "OOM"} })
	w.clock.Advance(time.Minute)
	w.sync()
	if tk, _ := w.fd.Ticket(id); tk.Status != sandbox.StatusResolved {
		t.Errorf("after the field was filled: status %d", tk.Status)
	}
}

func TestAMissingBoardFieldNamesWhatExists(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.board.PriorityField = "Urgency"
	w.fd.AddTicket(sandbox.FDTicket{Subject: "s", Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	r := w.sync()
	want := `integrations.github.project.priority_field: project acme/7 has no field "Urgency"; its fields are: Title, Status, Priority, Iteration`
	if !strings.Contains(failures(r), want) {
		t.Errorf("failures:\n%s\nwant %s", failures(r), want)
	}
	if len(w.issues()) != 1 {
		t.Error("the issue should exist even when the board cannot take it")
	}
	// Fixed configuration: the next run puts it on the board.
	w.board.PriorityField = "Priority"
	w.clock.Advance(time.Minute)
	w.sync()
	if len(w.gh.ProjectItems("acme", 7)) != 1 {
		t.Error("the board item was not added once the configuration was fixed")
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "s", Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	r, err := w.applier().Sync(context.Background(), w.config, "support", time.Hour, true)
	if err != nil || len(r.Planned) != 1 || r.Planned[0].Actions[0].Kind != "create-issue" {
		t.Fatalf("%v %+v", err, r.Planned)
	}
	if len(w.issues()) != 0 || w.gh.Ledger().Count(sandbox.Writes) != 0 || w.fd.Ledger().Count(sandbox.Writes) != 0 {
		t.Error("a dry run wrote")
	}
}
