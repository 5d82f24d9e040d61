package port

import (
	"context"
	"time"
)

// Issue is a GitHub issue as the use cases see it.
type Issue struct {
	Number      int
	NodeID      string // the GraphQL id, for the board
	Title       string
	Body        string
	State       string // open, closed
	StateReason string // completed, not_planned, duplicate, reopened
	Labels      []string
	Assignees   []string // logins
	Created     time.Time
	Updated     time.Time
	ClosedAt    time.Time
	ClosedBy    string // login
	// URL is the issue's html_url: links are built from it, never by
	// formatting https://github.com/... (GitHub Enterprise Server).
	URL string
}

// IssueEdit changes an issue; nil fields stay as they are. Several
// fields in one edit are one request.
type IssueEdit struct {
	Title       *string
	Body        *string
	State       *string // open, closed
	StateReason *string // completed, not_planned, duplicate
}

// NewIssue is an issue to create. Body already carries what steward
// records in it, so creating it is one request.
type NewIssue struct {
	Title  string
	Body   string
	Labels []string
}

// Comment is one comment on an issue or pull request.
type Comment struct {
	ID      int64
	Body    string
	Author  string
	Created time.Time
}

// IssueEvent is one assignment event of an issue: who was assigned or
// unassigned, by whom, when. Routing's history is made of these.
type IssueEvent struct {
	ID       int64
	Event    string // assigned, unassigned
	Assignee string
	Actor    string
	Created  time.Time
}

// Pull is a pull request that closed an issue.
type Pull struct {
	Number int
	Title  string
	URL    string
	Author string
}

// KeptIssues is Issues that keeps the lists it read.
type KeptIssues interface {
	// Kept returns the issues carrying label as last read, asking
	// nothing, and when (GitHub's time) that read was: false when none is
	// kept or it is too old to trust. What changed since is not in it,
	// but issues the client created since are, changed after asOf.
	Kept(label string) (issues []Issue, asOf time.Time, ok bool)
}

// Issues is the repository's issues, as the use cases need them. A
// missing label on removal is not an error.
type Issues interface {
	// List returns every issue (no pull requests) carrying label, in
	// state (open, closed, all), all pages.
	List(ctx context.Context, label, state string) ([]Issue, error)
	// Recent returns at most n issues carrying label, in state, most
	// recently updated first: one page, whatever the number of issues.
	Recent(ctx context.Context, label, state string, n int) ([]Issue, error)
	Get(ctx context.Context, number int) (Issue, error)
	Create(ctx context.Context, is NewIssue) (Issue, error)
	Edit(ctx context.Context, number int, e IssueEdit) (Issue, error)
	AddLabels(ctx context.Context, number int, labels []string) error
	RemoveLabel(ctx context.Context, number int, label string) error
	Comment(ctx context.Context, number int, body string) error
	// Comments returns every comment, oldest first.
	Comments(ctx context.Context, number int) ([]Comment, error)
	Assign(ctx context.Context, number int, logins []string) error
	Unassign(ctx context.Context, number int, logins []string) error
	// Events returns the issue's assignment events, oldest first.
	Events(ctx context.Context, number int) ([]IssueEvent, error)
	// ClosingPulls returns the pull requests that closed the issue.
	ClosingPulls(ctx context.Context, number int) ([]Pull, error)
	// Repo is owner/name; IssueURL the web address of an issue, for when
	// no answer carried its html_url.
	Repo() string
	IssueURL(number int) string
}
