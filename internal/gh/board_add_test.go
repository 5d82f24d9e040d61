package gh_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

// addReadWorld is a board with one item, and clients that keep what they
// read in dir.
type addReadWorld struct {
	g      *sandbox.GitHub
	client func(dir string) (*gh.Board, *gh.Issues)
}

func newAddReadWorld(t *testing.T) addReadWorld {
	t.Helper()
	clock := sandbox.NewManualClock(t0)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "bot"}, Clock: clock, ContentPerMinute: 1_000_000, ContentPerHour: 1_000_000})
	g.AddRepo("acme", "support", "main", nil)
	g.AddProject("acme", 7, "Sprint board", boardFields...)
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	w := addReadWorld{g: g, client: func(dir string) (*gh.Board, *gh.Issues) {
		c, err := gh.New(gh.Config{APIURL: srv.URL, Token: "tok", Clock: clock, CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		issues, err := c.Issues("acme/support")
		if err != nil {
			t.Fatal(err)
		}
		return c.Board(boardProject), issues
	}}
	return w
}

func create(t *testing.T, issues *gh.Issues, title string) port.Issue {
	t.Helper()
	is, err := issues.Create(context.Background(), port.NewIssue{Title: title, Body: "body of " + title, Labels: []string{"support", "priority: high"}})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

// A run that created an issue puts it on the board with one request that
// also reads back the board and the newest support issues, when an earlier
// run (another process) kept the project's id; a run with nothing kept
// reads the project first; a kept id GitHub no longer knows (the project
// made again under its number) is read again, and the add made once.
func TestAddAndReadReadsBackTheBoardAndTheNewestIssues(t *testing.T) {
	ctx := context.Background()
	w := newAddReadWorld(t)
	dir := t.TempDir()
	b, issues := w.client(dir)
	first := create(t, issues, "first")
	if _, err := b.Add(ctx, first.NodeID); err != nil {
		t.Fatal(err)
	}
	dup := create(t, issues, "duplicate of first")
	if _, err := issues.Edit(ctx, dup.Number, port.IssueEdit{State: ptr("closed"), StateReason: ptr("duplicate")}); err != nil {
		t.Fatal(err)
	}

	// Another process, the same kept directory: one request.
	b2, issues2 := w.client(dir)
	is := create(t, issues2, "new")
	w.g.Ledger().Reset()
	added, err := b2.AddAndRead(ctx, is.NodeID, []string{"support"})
	if err != nil {
		t.Fatal(err)
	}
	if n := w.g.Ledger().Len(); n != 1 {
		t.Errorf("%d requests with the project's id kept, want 1:\n%s", n, w.g.Ledger())
	}
	if len(added.Items) != 2 || added.Items[1].ID != added.Item || added.Items[1].Issue != is.Number || added.Items[0].Issue != first.Number {
		t.Errorf("board read back: %+v (item %s)", added.Items, added.Item)
	}
	if len(added.Recent) != 3 || added.Recent[0].Number != is.Number || added.Recent[1].Number != dup.Number {
		t.Fatalf("newest support issues: %+v", added.Recent)
	}
	got, d := added.Recent[0], added.Recent[1]
	if got.State != "open" || got.Body != "body of new" || got.NodeID != is.NodeID || got.URL != is.URL || len(got.Labels) != 2 || got.Created.IsZero() || !got.ClosedAt.IsZero() {
		t.Errorf("the new issue as read back: %+v (created as %+v)", got, is)
	}
	if d.State != "closed" || d.StateReason != "duplicate" || d.ClosedAt.IsZero() {
		t.Errorf("the duplicate as read back: %+v", d)
	}
	// The answer taught the board its fields: setting them reads nothing.
	w.g.Ledger().Reset()
	if err := b2.Set(ctx, added.Item, port.BoardSet{Status: "Todo", Priority: "High"}); err != nil {
		t.Fatal(err)
	}
	if n := w.g.Ledger().Len(); n != 1 {
		t.Errorf("setting the fields after the add: %d requests, want 1", n)
	}

	// Nothing kept: the project is read first.
	b3, issues3 := w.client("")
	is3 := create(t, issues3, "no cache")
	w.g.Ledger().Reset()
	if _, err := b3.AddAndRead(ctx, is3.NodeID, []string{"support"}); err != nil {
		t.Fatal(err)
	}
	if n := w.g.Ledger().Len(); n != 2 {
		t.Errorf("%d requests with nothing kept, want 2 (the project, the add)", n)
	}

	// The project made again under its number: the kept id is refused,
	// read again, and the add made on the new project.
	w.g.AddProject("acme", 7, "Sprint board", boardFields...)
	b4, issues4 := w.client(dir)
	is4 := create(t, issues4, "after the board was made again")
	w.g.Ledger().Reset()
	added, err = b4.AddAndRead(ctx, is4.NodeID, []string{"support"})
	if err != nil {
		t.Fatal(err)
	}
	if n := w.g.Ledger().Len(); n != 3 {
		t.Errorf("%d requests with a stale id, want 3 (refused, the project, the add):\n%s", n, w.g.Ledger())
	}
	if items := w.g.ProjectItems("acme", 7); len(items) != 1 || items[0].ID != added.Item {
		t.Errorf("the new project's items: %+v", items)
	}
	// and the id read again is kept for the next process.
	b5, issues5 := w.client(dir)
	is5 := create(t, issues5, "next")
	w.g.Ledger().Reset()
	if _, err := b5.AddAndRead(ctx, is5.NodeID, []string{"support"}); err != nil {
		t.Fatal(err)
	}
	if n := w.g.Ledger().Len(); n != 1 {
		t.Errorf("%d requests after the id was read again, want 1", n)
	}
}

func ptr[T any](v T) *T { return &v }
