package run

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
		Number      int                      `json:"number"`
		Labels      []struct{ Name string }  `json:"labels"`
		Assignees   []struct{ Login string } `json:"assignees"`
		PullRequest json.RawMessage          `json:"pull_request"`
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
		return "", fmt.Errorf("%d step(s) failed for ticket %d", r.Failed(), id)
	}
	return fmt.Sprintf("ticket %d in step", id), nil
}

func onIssue(ctx context.Context, c wire.Clients, e Envelope) (string, error) {
	ig := c.Roster.Integrations.GitHub
	if ig == nil || c.GH == nil || !strings.EqualFold(e.Repository.FullName, ig.Repo) || len(e.Issue.PullRequest) > 0 {
		return "", nil // not the support repository, or a pull request
	}
	label := ig.Label()
	hasLabel := false
	for _, l := range e.Issue.Labels {
		hasLabel = hasLabel || strings.EqualFold(l.Name, label)
	}
	if !hasLabel {
		return "", nil
	}
	tr, _ := c.Triage()
	switch e.Action {
	case "labeled", "opened":
		if e.Action == "labeled" && (e.Label == nil || !strings.EqualFold(e.Label.Name, label)) {
			return "", nil
		}
		if a, setup, err := c.Mirror(); err == nil {
			if _, err := a.Adopt(ctx, setup.Config, label, e.Issue.Number); err != nil {
				return "", err
			}
		}
		res, err := tr.Route(ctx, e.Issue.Number, false)
		return res.Message, err
	case "closed", "reopened":
		a, setup, err := c.Mirror()
		if err != nil {
			return "", nil
		}
		is, err := a.Issues.Get(ctx, e.Issue.Number)
		if err != nil {
			return "", err
		}
		if id, _, ok := mirror.TicketOf(is.Body); ok {
			if _, err := a.SyncTicket(ctx, setup.Config, label, id); err != nil {
				return "", err
			}
			return fmt.Sprintf("ticket %d follows #%d", id, e.Issue.Number), nil
		}
	case "unassigned":
		// Only when the engineer let go themselves is someone else asked.
		if e.Assignee == nil || !strings.EqualFold(e.Assignee.Login, e.Sender.Login) {
			return "", nil
		}
		res, err := tr.Route(ctx, e.Issue.Number, false)
		return res.Message, err
	}
	return "", nil
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
