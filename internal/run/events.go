package run

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/wire"
)

// Envelope is every field of an issues or pull_request event that steward
// reads; everything else is read again from GitHub.
type Envelope struct {
	Action string `json:"action"`
	Number int    `json:"number"`
	Issue  struct {
		Number      int             `json:"number"`
		Labels      Labels          `json:"labels"`
		Assignees   Assignees       `json:"assignees"`
		PullRequest json.RawMessage `json:"pull_request"`
		// Ticket is the ticket the issue's body says it mirrors, for the
		// queue's key only: never a reason to act (the work reads the
		// issue again), and a forged one only queues the delivery beside
		// another ticket's.
		Ticket MirroredTicket `json:"body"`
	} `json:"issue"`
	PullRequest struct {
		Merged bool                      `json:"merged"`
		Head   struct{ Ref, SHA string } `json:"head"`
		Base   struct{ Ref string }      `json:"base"`
	} `json:"pull_request"`
	Label      *struct{ Name string }  `json:"label"`
	Assignee   *struct{ Login string } `json:"assignee"`
	Sender     struct{ Login string }  `json:"sender"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
}

// MirroredTicket is the ticket an issue body's steward marker names, 0 for
// none. It decodes from the body (a JSON string) and keeps only the id; it
// encodes as that number, and decodes from it again.
type MirroredTicket int64

// UnmarshalJSON reads the ticket from an issue body, or the number
// MarshalJSON wrote.
func (m *MirroredTicket) UnmarshalJSON(b []byte) error {
	*m = 0
	var body string
	if err := json.Unmarshal(b, &body); err != nil {
		var n int64
		if json.Unmarshal(b, &n) == nil {
			*m = MirroredTicket(n)
		}
		return nil // null, or a body that is no string: no ticket
	}
	if id, _, ok := mirror.TicketOf(body); ok {
		*m = MirroredTicket(id)
	}
	return nil
}

// MarshalJSON writes the id alone.
func (m MirroredTicket) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(m), 10), nil
}

// GitHub's own bounds on what an envelope holds: a delivery past them is
// not GitHub's, and reading it whole would cost memory for nothing.
const (
	// MaxLabels is the most labels GitHub lets an issue have.
	MaxLabels = 100
	// MaxAssignees is the most people GitHub lets an issue be assigned.
	MaxAssignees = 10
	// MaxString bounds each string an envelope keeps (logins are at most
	// 39 bytes, label names 50 characters, a repository's full name 140).
	MaxString = 256
	// MaxStrings bounds all of them together: the server's queue of 4,096
	// jobs holds at most 64 MiB of envelopes.
	MaxStrings = 16 << 10
)

// Labels are an issue's labels, at most MaxLabels.
type Labels []struct{ Name string }

// UnmarshalJSON refuses more than MaxLabels before decoding any.
func (l *Labels) UnmarshalJSON(b []byte) error {
	return decodeAtMost(b, (*[]struct{ Name string })(l), MaxLabels, "issue.labels")
}

// Assignees are an issue's assignees, at most MaxAssignees.
type Assignees []struct{ Login string }

// UnmarshalJSON refuses more than MaxAssignees before decoding any.
func (a *Assignees) UnmarshalJSON(b []byte) error {
	return decodeAtMost(b, (*[]struct{ Login string })(a), MaxAssignees, "issue.assignees")
}

// TooMany is an envelope past one of GitHub's bounds.
type TooMany struct {
	Field string
	Max   int
	What  string // "elements" or "bytes"
}

func (t *TooMany) Error() string {
	return fmt.Sprintf("%s has more than %d %s", t.Field, t.Max, t.What)
}

// decodeAtMost decodes JSON array b into out as encoding/json would (null
// is nil; elements within out's capacity are decoded over), after counting
// its elements as values of no size, which encoding/json skips without
// copying: an array of millions of elements, or of one of 5 MiB, costs
// nothing to refuse.
func decodeAtMost[T any](b []byte, out *[]T, max int, field string) error {
	var n []skipped
	if json.Unmarshal(b, &n) == nil && len(n) > max {
		return &TooMany{Field: field, Max: max, What: "elements"}
	}
	return json.Unmarshal(b, out) // not an array: encoding/json's own error
}

// skipped is any JSON value, read as nothing.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// Check holds an envelope to GitHub's bounds on its strings.
func (e Envelope) Check() error {
	type text struct{ field, s string }
	texts := []text{{"action", e.Action}, {"pull_request.head.ref", e.PullRequest.Head.Ref},
		{"pull_request.head.sha", e.PullRequest.Head.SHA}, {"pull_request.base.ref", e.PullRequest.Base.Ref},
		{"sender.login", e.Sender.Login}, {"repository.full_name", e.Repository.FullName}}
	if e.Label != nil {
		texts = append(texts, text{"label.name", e.Label.Name})
	}
	if e.Assignee != nil {
		texts = append(texts, text{"assignee.login", e.Assignee.Login})
	}
	for _, l := range e.Issue.Labels {
		texts = append(texts, text{"issue.labels[].name", l.Name})
	}
	for _, a := range e.Issue.Assignees {
		texts = append(texts, text{"issue.assignees[].login", a.Login})
	}
	total := 0
	for _, t := range texts {
		if len(t.s) > MaxString {
			return &TooMany{Field: t.field, Max: MaxString, What: "bytes"}
		}
		total += len(t.s)
	}
	if total > MaxStrings {
		return &TooMany{Field: "the delivery's strings", Max: MaxStrings, What: "bytes together"}
	}
	return nil
}

// HandleEvent does what a GitHub event asks of steward, as the webhook
// server and an event-triggered Action run both do. It re-reads what it
// acts on, so doing it twice changes nothing. It returns a sentence.
func HandleEvent(ctx context.Context, c wire.Clients, event string, e Envelope) (string, error) {
	switch event {
	case "issues":
		return onIssue(ctx, c, e)
	case "pull_request":
		return onPull(ctx, c, e)
	}
	return "", nil
}

// PlanTicket says what reconciling ticket id would do, and does none of
// it: a dry-run dispatch reads what a real one reads (the support issues,
// the ticket), so it proves the credentials and the ticket too.
func PlanTicket(ctx context.Context, c wire.Clients, id int64) (string, error) {
	a, setup, err := c.Mirror()
	if err != nil {
		return "", err
	}
	r, mirrored, unmatched, err := a.PlanTicket(ctx, setup.Config, setup.Label, id)
	if err != nil {
		return "", err
	}
	var steps []string
	for _, w := range r.Planned {
		for _, act := range w.Actions {
			steps = append(steps, fmt.Sprintf("%s (%s)", act.Kind, act.Reason))
		}
	}
	switch {
	case len(steps) > 0:
		return fmt.Sprintf("ticket %d would get: %s", id, strings.Join(steps, "; ")), nil
	case !mirrored && unmatched != "":
		return fmt.Sprintf("ticket %d needs no issue: %s", id, unmatched), nil
	}
	return fmt.Sprintf("ticket %d and its issue are in step: nothing to do (its board item is the real run's to check)", id), nil
}

// HandleTicket reconciles one ticket, as a FreshDesk delivery asks.
func HandleTicket(ctx context.Context, c wire.Clients, id int64) (string, error) {
	a, setup, err := c.Mirror()
	if err != nil {
		return "ticket ignored: " + err.Error(), nil
	}
	r, err := a.SyncTicket(ctx, setup.Config, setup.Label, id)
	if err != nil {
		return "", err
	}
	if r.Failed() > 0 {
		for _, o := range r.Outcomes {
			if o.Error != "" {
				return "", fmt.Errorf("%d step(s) failed for ticket %d, the first %s (%s): %s", r.Failed(), id, o.Kind, o.Reason, o.Error)
			}
		}
	}
	return fmt.Sprintf("ticket %d in step", id), nil
}

// onIssue reconciles the support issue a delivery names, whatever its
// action: the delivery only says which issue to look at. The issue and its
// ticket are made to agree, then the board; and an open issue nobody holds
// is routed. Doing it twice, or for two deliveries of one change, writes
// nothing the second time.
func onIssue(ctx context.Context, c wire.Clients, e Envelope) (string, error) {
	ig := c.Roster.Integrations.GitHub
	if ig == nil || c.GH == nil || !strings.EqualFold(e.Repository.FullName, ig.Repo) || len(e.Issue.PullRequest) > 0 {
		return "", nil // not the support repository, or a pull request
	}
	label := ig.Label()
	support := slices.ContainsFunc(e.Issue.Labels, func(l struct{ Name string }) bool { return strings.EqualFold(l.Name, label) })
	if !support {
		return "", nil
	}
	return reconcileIssue(ctx, c, label, e.Issue.Number, e.Action != "closed")
}

// HandleIssue reconciles one support issue, as a workflow_dispatch naming
// it asks: read, and done only when it carries the support label.
func HandleIssue(ctx context.Context, c wire.Clients, number int) (string, error) {
	ig := c.Roster.Integrations.GitHub
	tr, err := c.Triage()
	if ig == nil || err != nil {
		return "", err
	}
	is, err := tr.Issues.Get(ctx, number)
	if err != nil {
		return "", fmt.Errorf("reading #%d: %w", number, err)
	}
	if !slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, ig.Label()) }) {
		return fmt.Sprintf("#%d is not a %s issue: nothing to do", number, ig.Label()), nil
	}
	return reconcileIssue(ctx, c, ig.Label(), number, is.State == "open")
}

// reconcileIssue makes a support issue and its ticket agree, then the
// board, and routes it when route asks (an issue that may be open).
func reconcileIssue(ctx context.Context, c wire.Clients, label string, number int, route bool) (string, error) {
	var msg []string
	if a, setup, err := c.Mirror(); err == nil {
		mirrorOf, err := a.ReconcileIssue(ctx, setup.Config, label, number)
		if err != nil {
			return "", err
		}
		if mirrorOf != 0 && mirrorOf != number {
			msg = append(msg, fmt.Sprintf("#%d already mirrors its ticket", mirrorOf))
		}
	}
	// Routing asks someone only for an open issue nobody holds (it reads
	// the issue again: a payload's assignees are a hint, not the state),
	// as the scheduled run's routing does; never the same person twice
	// for one issue.
	if route {
		tr, err := c.Triage()
		if err != nil {
			return strings.Join(msg, "; "), err
		}
		res, err := tr.Route(ctx, number, false)
		if res.Message != "" {
			msg = append(msg, res.Message)
		}
		return strings.Join(msg, "; "), err
	}
	if len(msg) == 0 {
		msg = append(msg, fmt.Sprintf("#%d in step", number))
	}
	return strings.Join(msg, "; "), nil
}

func onPull(ctx context.Context, c wire.Clients, e Envelope) (string, error) {
	rot, err := c.Rotator(c.Roster.Today(c.Now), c.Lead())
	if err != nil || !strings.EqualFold(e.Repository.FullName, rot.Repo.Owner+"/"+rot.Repo.Name) {
		return "", nil
	}
	switch e.Action {
	case "opened", "synchronize", "reopened":
		files, err := rot.GitHub.PullRequestFiles(ctx, e.Number)
		if err != nil {
			return "", err
		}
		touches := slices.Contains(files, rot.Repo.Path)
		if !touches {
			return "", nil
		}
		res, err := rot.CheckRoster(ctx, e.PullRequest.Base.Ref, e.PullRequest.Head.SHA, e.Number)
		return res.Title, err
	case "closed":
		if !e.PullRequest.Merged || !strings.HasPrefix(e.PullRequest.Head.Ref, "steward/rotation-") {
			return "", nil
		}
		res, err := c.Membership().Sync(ctx, c.Roster, c.Roster.Today(c.Now))
		return fmt.Sprintf("stewards: %s", strings.Join(res.Stewards, ", ")), err
	}
	return "", nil
}
