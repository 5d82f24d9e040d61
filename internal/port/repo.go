package port

import "context"

// Repo is the repository roster.yaml lives in, as the rotation use cases
// need it: files on branches, pull requests, their comments, and checks.
// An adapter is bound to one repository.
type Repo interface {
	// DefaultBranch is the branch pull requests merge into by default.
	DefaultBranch(ctx context.Context) (string, error)
	// Head is a branch's head commit.
	Head(ctx context.Context, branch string) (sha string, err error)
	// File reads path at ref (a branch or commit); a missing file is found
	// false with no error.
	File(ctx context.Context, path, ref string) (f File, found bool, err error)
	// PutFile commits content to path on branch; sha is the blob it
	// replaces ("" for a new file).
	PutFile(ctx context.Context, branch, path string, content []byte, sha, message string) error
	// CreateBranch makes branch at sha; MoveBranch forces it to sha.
	CreateBranch(ctx context.Context, branch, sha string) error
	MoveBranch(ctx context.Context, branch, sha string) error

	// PullRequests lists the pull requests from head (a branch of this
	// repository; "" for any), open ones only unless all.
	PullRequests(ctx context.Context, head string, all bool) ([]PullRequest, error)
	OpenPullRequest(ctx context.Context, head, base, title, body string) (PullRequest, error)
	EditPullRequest(ctx context.Context, number int, title, body string) error
	RequestReviewers(ctx context.Context, number int, reviewers []string) error
	// PullRequestFiles lists the paths a pull request changes.
	PullRequestFiles(ctx context.Context, number int) ([]string, error)

	// Comments lists an issue's or pull request's comments, oldest first.
	Comments(ctx context.Context, number int) ([]Comment, error)
	AddComment(ctx context.Context, number int, body string) (id int64, err error)
	EditComment(ctx context.Context, id int64, body string) error

	// ReportCheck reports a completed check on a commit, every annotation
	// included, or a commit status where checks are not allowed (id 0).
	ReportCheck(ctx context.Context, c Check) (id int64, err error)
}

// File is one file of a repository at a ref.
type File struct {
	Content string
	SHA     string // the blob's
}

// PullRequest is a pull request as the use cases see it.
type PullRequest struct {
	Number  int
	Title   string
	Body    string
	State   string // open or closed
	Merged  bool
	HeadRef string
	HeadSHA string
	URL     string
}

// Check is a completed check run on a commit.
type Check struct {
	Name, HeadSHA string
	// Conclusion is success or failure.
	Conclusion     string
	Title, Summary string
	Annotations    []Annotation
}

// Annotation marks one line of a file in a check.
type Annotation struct {
	Path         string
	Line, Column int
	// Level is failure or warning.
	Level, Title, Message string
}

// AssignedIssues finds someone's open issues with a label (the support
// issues a leaving steward hands over).
type AssignedIssues interface {
	AssignedIssues(ctx context.Context, assignee, label string) ([]IssueRef, error)
}

// IssueRef names an issue.
type IssueRef struct {
	Number int
	Title  string
}

// AgentTickets finds an agent's open tickets in the helpdesk.
type AgentTickets interface {
	OpenTicketsOf(ctx context.Context, agentID int64) ([]TicketRef, error)
}

// TicketRef names a ticket for people: its link and priority's name.
type TicketRef struct {
	ID       int64
	URL      string
	Priority string
}
