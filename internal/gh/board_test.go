package gh_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

var boardFields = []sandbox.ProjectField{
	{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
	{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"High", "Low"}},
	{Name: "Iteration", Type: "ITERATION"},
}

var boardProject = gh.Project{Owner: "acme", Number: 7, StatusField: "Status", StatusOption: "Todo", PriorityField: "Priority", IterationField: "Iteration", DoneOption: "Done"}

// boardWorld is a sandbox repository with n issues on a board, in order,
// on a clock of its own.
func boardWorld(t *testing.T, n int) (*sandbox.GitHub, *gh.Board, []string) {
	t.Helper()
	w := newBoardWorld(t, sandbox.GitHubOptions{}, boardProject, n, boardFields...)
	return w.g, w.b, w.items
}

type boardSetup struct {
	g     *sandbox.GitHub
	b     *gh.Board
	items []string
	nodes []string // the items' issues' node ids
	clock *sandbox.ManualClock
	// board is a new client's Board for the same sandbox.
	board func(gh.Project) *gh.Board
}

func newBoardWorld(t *testing.T, o sandbox.GitHubOptions, p gh.Project, n int, fields ...sandbox.ProjectField) boardSetup {
	t.Helper()
	clock := sandbox.NewManualClock(t0)
	o.Tokens, o.Clock = map[string]string{"tok": "bot"}, clock
	o.ContentPerMinute, o.ContentPerHour = 1_000_000, 1_000_000
	g := sandbox.NewGitHub(o)
	g.AddRepo("acme", "support", "main", nil)
	g.AddProject("acme", 7, "Sprint board", fields...)
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	c, err := gh.New(gh.Config{APIURL: srv.URL, Token: "tok", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	w := boardSetup{g: g, b: c.Board(p), clock: clock, board: c.Board}
	issues, err := c.Issues("acme/support")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		is, err := issues.Create(context.Background(), port.NewIssue{Title: fmt.Sprint("issue ", i), Labels: []string{"support"}})
		if err != nil {
			t.Fatal(err)
		}
		id, err := w.b.Add(context.Background(), is.NodeID)
		if err != nil {
			t.Fatal(err)
		}
		w.items, w.nodes = append(w.items, id), append(w.nodes, is.NodeID)
	}
	return w
}

// mutationsOf counts the mutations of each GraphQL document sent.
func mutationsOf(g *sandbox.GitHub) []int {
	var out []int
	for _, r := range g.Ledger().Requests() {
		if r.Route == "POST /graphql" && strings.Contains(string(r.Body), "mutation SetItems") {
			body := string(r.Body)
			out = append(out, strings.Count(body, ": updateProjectV2Item")+strings.Count(body, ": archiveProjectV2Item"))
		}
	}
	return out
}

// Thirty items' seventy changes go in documents of at most 20 mutations,
// each item's together, in order: moves land as they would one request at
// a time, and none is cut short. GitHub cuts a long document short with
// some of it applied (shurcooL/githubv4#17; Skydio/revup#271), and
// github/github-mcp-server sends project mutations 20 at a time.
func TestSetManySendsDocumentsOfAtMostTwentyMutations(t *testing.T) {
	g, b, items := boardWorld(t, 30)
	g.Ledger().Reset()
	// Reverse the board by moving each item to the top in turn, set every
	// Priority, and mark every third Done.
	var changes []port.BoardChange
	for i, id := range items {
		s := port.BoardSet{Move: true, Priority: "High"}
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
	docs := mutationsOf(g)
	total := 0
	for _, n := range docs {
		if n > 20 {
			t.Errorf("a document of %d mutations", n)
		}
		total += n
	}
	if total != 70 || len(docs) != 4 || g.Ledger().Len() != 4 {
		t.Errorf("%d mutations in documents %v; want 70 in 4:\n%s", total, docs, g.Ledger())
	}
	got := g.ProjectItems("acme", 7)
	for i, it := range got {
		want := fmt.Sprintf("acme/support#%d", 30-i)
		if it.Issue != want {
			t.Fatalf("position %d: %s, want %s", i, it.Issue, want)
		}
		if done := it.Values["Status"] == "Done"; done != ((30-i-1)%3 == 0) || it.Values["Priority"] != "High" {
			t.Errorf("%s: %v", it.Issue, it.Values)
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
		t.Errorf("%d requests, want 1 (an item's own error is not retried):\n%s", n, g.Ledger())
	}
	got := g.ProjectItems("acme", 7)
	if got[0].Values["Status"] != "Done" || got[2].Values["Priority"] != "High" {
		t.Errorf("board: %+v", got)
	}
}

// done sets Done on every item, one mutation each.
func done(items []string) []port.BoardChange {
	var out []port.BoardChange
	for _, id := range items {
		out = append(out, port.BoardChange{Item: id, Set: port.BoardSet{Status: "Done"}})
	}
	return out
}

func doneCount(g *sandbox.GitHub) int {
	n := 0
	for _, it := range g.ProjectItems("acme", 7) {
		if it.Values["Status"] == "Done" {
			n++
		}
	}
	return n
}

// A document cut short answers 200 with what ran in data: those items are
// made, not failed, and the rest are sent again at once in a smaller
// document. What that one cannot apply either fails its item only, for the
// next pass.
func TestSetManyReadsPartialSuccessAndSendsTheRestAgain(t *testing.T) {
	w := newBoardWorld(t, sandbox.GitHubOptions{MutationsPerDocument: 8}, boardProject, 12, boardFields...)
	g, b, items := w.g, w.b, w.items
	g.Ledger().Reset()
	for i, err := range b.SetMany(context.Background(), done(items)) {
		if err != nil {
			t.Errorf("change %d: %v", i, err)
		}
	}
	if docs := mutationsOf(g); len(docs) != 2 || docs[0] != 12 || docs[1] != 4 || doneCount(g) != 12 {
		t.Errorf("documents %v, %d Done:\n%s", docs, doneCount(g), g.Ledger())
	}

	// A limit of 3: 3 run of 12, 3 more of the 9 sent again (10 at most a
	// document), and the other 6 fail, for the next pass.
	w = newBoardWorld(t, sandbox.GitHubOptions{MutationsPerDocument: 3}, boardProject, 12, boardFields...)
	g, b, items = w.g, w.b, w.items
	g.Ledger().Reset()
	errs := b.SetMany(context.Background(), done(items))
	failed := 0
	for i, err := range errs {
		applied := g.ProjectItems("acme", 7)[i].Values["Status"] == "Done"
		if applied && err != nil {
			t.Errorf("item %d was made yet failed: %v", i, err)
		}
		if !applied {
			failed++
			if err == nil || !strings.Contains(err.Error(), "next pass") || !strings.Contains(err.Error(), "Resource limits") {
				t.Errorf("item %d not made: %v", i, err)
			}
		}
	}
	if failed != 6 || doneCount(g) != 6 {
		t.Errorf("%d failed, %d Done; want 6 and 6:\n%s", failed, doneCount(g), g.Ledger())
	}
	// The next pass sends what is left, and it lands.
	g.Ledger().Reset()
	var rest []port.BoardChange
	for i, c := range done(items) {
		if errs[i] != nil {
			rest = append(rest, c)
		}
	}
	for _, err := range b.SetMany(context.Background(), rest) {
		if err != nil {
			t.Errorf("the next pass: %v", err)
		}
	}
	if doneCount(g) != 12 {
		t.Errorf("%d Done after the next pass", doneCount(g))
	}
}

// A document answered 504 says nothing of what ran: all of it is sent
// again at once, in documents half the size, and lands; mutations set a
// value or a place, so those that had run are harmless to repeat.
func TestSetManySendsADocumentAnswered504AgainSmaller(t *testing.T) {
	w := newBoardWorld(t, sandbox.GitHubOptions{MutationsPerDocument: 15, MutationTimeoutStatus: 504}, boardProject, 20, boardFields...)
	g, b, items := w.g, w.b, w.items
	g.Ledger().Reset()
	for i, err := range b.SetMany(context.Background(), done(items)) {
		if err != nil {
			t.Errorf("change %d: %v", i, err)
		}
	}
	if docs := mutationsOf(g); len(docs) != 3 || docs[0] != 20 || docs[1] != 10 || docs[2] != 10 || doneCount(g) != 20 {
		t.Errorf("documents %v, %d Done:\n%s", docs, doneCount(g), g.Ledger())
	}
}

// The board's mutations are a second apart, waited on the client's clock:
// GitHub asks for at least a second between requests that change things.
func TestBoardMutationsAreASecondApart(t *testing.T) {
	w := newBoardWorld(t, sandbox.GitHubOptions{}, boardProject, 45, boardFields...)
	g, b, items, clock := w.g, w.b, w.items, w.clock
	if slept := clock.Slept(); slept < 44*time.Second || slept > 45*time.Second {
		t.Errorf("45 adds waited %s in all, want 44s", slept)
	}
	before := clock.Slept()
	g.Ledger().Reset()
	b.SetMany(context.Background(), done(items)) // 45 mutations: 3 documents
	if n, slept := len(mutationsOf(g)), clock.Slept()-before; n != 3 || slept != 3*time.Second {
		t.Errorf("%d documents waited %s, want 3 and 3s (one after the last add)", n, slept)
	}
}

// Status, Priority and Iteration are read by name: on a board with more
// fields than fieldValues(first: 20) returns, the ones steward keeps can
// come last, and are still read.
func TestItemsReadsFieldsBeyondTheTwentieth(t *testing.T) {
	var fields []sandbox.ProjectField
	for i := range 22 {
		fields = append(fields, sandbox.ProjectField{Name: fmt.Sprint("Area ", i), Type: "SINGLE_SELECT", Options: []string{"yes"}})
	}
	fields = append(fields, boardFields[0], boardFields[1], sandbox.ProjectField{Name: "Iteration", Type: "ITERATION",
		Iterations: []sandbox.ProjectIteration{{Title: "Sprint 1", StartDate: "2026-11-02", Duration: 14}}})
	// The settings name the fields in other capitals than the board does.
	p := boardProject
	p.StatusField, p.PriorityField, p.IterationField = "status", "PRIORITY", "iteration"
	w := newBoardWorld(t, sandbox.GitHubOptions{}, p, 2, fields...)
	g, b, items := w.g, w.b, w.items
	ctx := context.Background()
	var changes []port.BoardChange
	for _, id := range items {
		changes = append(changes, port.BoardChange{Item: id, Set: port.BoardSet{Status: "Done", Priority: "Low", Iteration: civil.MustParse("2026-11-05")}})
		// Every Area set: the first twenty values of the item are Areas.
		for i := range 22 {
			g.SetProjectItemValue("acme", 7, id, fmt.Sprint("Area ", i), "yes")
		}
	}
	for _, err := range b.SetMany(ctx, changes) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// A new Board reads the first page with the project, by the settings'
	// names; a known one lists again, by the board's.
	b = w.board(p)
	for range 2 {
		got, err := b.Items(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Status != "Done" || got[0].Priority != "Low" || got[1].SprintEnd.String() != "2026-11-16" {
			t.Errorf("items: %+v", got)
		}
	}
}

// An archived item is off the board: Items leaves it out, and adding its
// issue again (the issue reopened) restores it.
func TestArchivedItemsLeaveTheBoardAndComeBack(t *testing.T) {
	w := newBoardWorld(t, sandbox.GitHubOptions{}, boardProject, 2, boardFields...)
	g, b, items := w.g, w.b, w.items
	ctx := context.Background()
	if err := b.Set(ctx, items[0], port.BoardSet{Status: "Done", Archive: true}); err != nil {
		t.Fatal(err)
	}
	if it := g.ProjectItems("acme", 7)[0]; !it.Archived || it.Values["Status"] != "Done" {
		t.Errorf("archived item: %+v", it)
	}
	got, err := b.Items(ctx)
	if err != nil || len(got) != 1 || got[0].ID != items[1] {
		t.Errorf("items after archiving: %+v %v", got, err)
	}
	id, err := b.Add(ctx, w.nodes[0])
	if err != nil || id != items[0] || g.ProjectItems("acme", 7)[0].Archived {
		t.Errorf("adding the archived item's issue: %s %v %+v", id, err, g.ProjectItems("acme", 7)[0])
	}
	if got, _ := b.Items(ctx); len(got) != 2 {
		t.Errorf("items after restoring: %+v", got)
	}
}

// done_option names the Status option of closed support issues; a board
// without it fails with the options it has, as the board names them.
func TestDoneOptionIsCheckedAgainstTheBoard(t *testing.T) {
	fields := []sandbox.ProjectField{{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "In progress", "Shipped"}}, boardFields[1], boardFields[2]}
	_, err := newBoardWorld(t, sandbox.GitHubOptions{}, boardProject, 0, fields...).b.Items(context.Background())
	if err == nil || err.Error() != `integrations.github.project.done_option: field "Status" has no option "Done"; its options are: Todo, In progress, Shipped` {
		t.Errorf("a board without Done: %v", err)
	}
	p := boardProject
	p.DoneOption = "shipped"
	w := newBoardWorld(t, sandbox.GitHubOptions{}, p, 1, fields...)
	if err := w.b.Set(context.Background(), w.items[0], port.BoardSet{Status: "Shipped"}); err != nil {
		t.Errorf("done_option Shipped: %v", err)
	}
}
