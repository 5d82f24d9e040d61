package gh_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

// boardWorld is a sandbox repository with n issues on a board, in order.
func boardWorld(t *testing.T, n int) (*sandbox.GitHub, *gh.Board, []string) {
	t.Helper()
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "bot"}, Clock: sandbox.NewManualClock(t0),
		ContentPerMinute: 1_000_000, ContentPerHour: 1_000_000})
	g.AddRepo("acme", "support", "main", nil)
	g.AddProject("acme", 7, "Sprint board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"High", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION"})
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	c, err := gh.New(gh.Config{APIURL: srv.URL, Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	b := c.Board(gh.Project{Owner: "acme", Number: 7, StatusField: "Status", StatusOption: "Todo", PriorityField: "Priority", IterationField: "Iteration"})
	issues, err := c.Issues("acme/support")
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for i := range n {
		is, err := issues.Create(context.Background(), port.NewIssue{Title: fmt.Sprint("issue ", i), Labels: []string{"support"}})
		if err != nil {
			t.Fatal(err)
		}
		id, err := b.Add(context.Background(), is.NodeID)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, id)
	}
	return g, b, items
}

// Thirty changes go in two documents (25 and 5), in order: moves land as
// they would one request at a time.
func TestSetManyBatchesInOrder(t *testing.T) {
	g, b, items := boardWorld(t, 30)
	g.Ledger().Reset()
	// Reverse the board by moving each item to the top in turn, and mark
	// every third Done.
	var changes []port.BoardChange
	for i, id := range items {
		s := port.BoardSet{Move: true}
		if i%3 == 0 {
			s.Status = "Done"
		}
		changes = append(changes, port.BoardChange{Item: id, Set: s})
	}
	for i, err := range b.SetMany(context.Background(), changes) {
		if err != nil {
			t.Errorf("change %d: %v", i, err)
		}
	}
	if n := g.Ledger().Len(); n != 2 {
		t.Errorf("%d requests, want 2 (25 + 5 items):\n%s", n, g.Ledger())
	}
	got := g.ProjectItems("acme", 7)
	for i, it := range got {
		want := fmt.Sprintf("acme/support#%d", 30-i)
		if it.Issue != want {
			t.Fatalf("position %d: %s, want %s", i, it.Issue, want)
		}
		if done := it.Values["Status"] == "Done"; done != ((30-i-1)%3 == 0) {
			t.Errorf("%s: status %q", it.Issue, it.Values["Status"])
		}
	}
}

// An item GitHub cannot find fails alone; an option the board lacks fails
// before any request; the others are made.
func TestSetManyFailsOnlyTheItemAtFault(t *testing.T) {
	g, b, items := boardWorld(t, 3)
	g.Ledger().Reset()
	errs := b.SetMany(context.Background(), []port.BoardChange{
		{Item: items[0], Set: port.BoardSet{Status: "Done"}},
		{Item: "PVTI_gone", Set: port.BoardSet{Status: "Done"}},
		{Item: items[1], Set: port.BoardSet{Status: "Blocked"}},
		{Item: items[2], Set: port.BoardSet{Priority: "High"}},
		{Item: items[2], Set: port.BoardSet{}},
	})
	if errs[0] != nil || errs[3] != nil || errs[4] != nil {
		t.Errorf("good changes failed: %v", errs)
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "PVTI_gone") {
		t.Errorf("the missing item: %v", errs[1])
	}
	if errs[2] == nil || !strings.Contains(errs[2].Error(), `no option "Blocked"`) {
		t.Errorf("the unknown option: %v", errs[2])
	}
	if n := g.Ledger().Len(); n != 1 {
		t.Errorf("%d requests, want 1:\n%s", n, g.Ledger())
	}
	got := g.ProjectItems("acme", 7)
	if got[0].Values["Status"] != "Done" || got[2].Values["Priority"] != "High" {
		t.Errorf("board: %+v", got)
	}
}
