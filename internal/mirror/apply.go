package mirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/httpx"
)

// Board names the project and its fields.
type Board struct {
	Owner          string
	Number         int
	StatusField    string
	StatusOption   string
	PriorityField  string
	IterationField string
}

// Applier carries out plans against GitHub and FreshDesk.
type Applier struct {
	GH          *gh.Client
	FD          *freshdesk.Client
	Owner, Repo string
	Board       *Board // nil: no board
	Render      Render
	Now         time.Time
	Log         *slog.Logger

	board *boardInfo
}

// Outcome is what became of one action.
type Outcome struct {
	Ticket int64  `json:"ticket"`
	Issue  int    `json:"issue,omitempty"`
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason"`
	Error  string `json:"error,omitempty"`
}

// Apply carries out every work item. A failed step is reported and left for
// the next run; the issue's recorded state says only what succeeded.
func (a *Applier) Apply(ctx context.Context, works []Work) []Outcome {
	var out []Outcome
	for _, w := range works {
		out = append(out, a.apply(ctx, w)...)
	}
	return out
}

func (a *Applier) apply(ctx context.Context, w Work) []Outcome {
	var out []Outcome
	st := w.Recorded
	if w.Issue == 0 {
		// The new issue records only what creating it makes true: it is
		// open, off the board and not yet linked.
		st = w.Target
		st.Board, st.Linked = false, false
		if done(st.Status) {
			st.Status = freshdesk.StatusOpen
		}
	}
	planned := map[Kind]bool{}
	for _, act := range w.Actions {
		planned[act.Kind] = true
	}
	for _, act := range w.Actions {
		err := a.do(ctx, &w, act, &st)
		o := Outcome{Ticket: w.Ticket, Issue: w.Issue, Kind: act.Kind, Reason: act.Reason}
		if err != nil {
			o.Error = err.Error()
			if a.Log != nil {
				a.Log.Warn("mirror step failed", "ticket", w.Ticket, "issue", w.Issue, "step", string(act.Kind), "err", err)
			}
		}
		out = append(out, o)
		if err != nil && act.Kind == CreateIssue {
			return out
		}
	}
	if planned[CloseDuplicate] {
		return out
	}
	// What no step stands for is display only: record it as the plan says.
	t := w.Target
	st.Domain, st.Ticket, st.Hub, st.Company, st.Created = t.Domain, t.Ticket, t.Hub, t.Company, t.Created
	st.Requester, st.Description, st.HubDown = t.Requester, t.Description, t.HubDown
	if !planned[UpdateTitle] {
		st.Subject = t.Subject
	}
	if !planned[SetLabels] {
		st.Priority, st.Event = t.Priority, t.Event
	}
	if !planned[CloseIssue] && !planned[ReopenIssue] && !planned[ResolveTicket] && !planned[ReopenTicket] {
		st.Status = t.Status
	}
	if !planned[ResolveTicket] {
		st.ResolveError, st.ResolveTried = t.ResolveError, t.ResolveTried
	}
	if body := withBlock(w.Body, a.Render.Body(st)); body != w.Body {
		_, _, err := a.GH.REST.Issues.Edit(ctx, a.Owner, a.Repo, w.Issue, &github.IssueRequest{Body: github.String(body)})
		o := Outcome{Ticket: w.Ticket, Issue: w.Issue, Kind: "record-state", Reason: "the issue records what was synced"}
		if err != nil {
			o.Error = err.Error()
		}
		if err != nil || len(out) == 0 {
			out = append(out, o)
		}
	}
	return out
}

func (a *Applier) do(ctx context.Context, w *Work, act Action, st *State) error {
	rest := a.GH.REST.Issues
	switch act.Kind {
	case CreateIssue:
		body := a.Render.Body(*st)
		is, _, err := rest.Create(ctx, a.Owner, a.Repo, &github.IssueRequest{Title: github.String(act.Title), Body: github.String(body), Labels: &act.Add})
		if err != nil {
			return err
		}
		w.Issue, w.NodeID, w.URL, w.Body = is.GetNumber(), is.GetNodeID(), is.GetHTMLURL(), body
	case UpdateTitle:
		if _, _, err := rest.Edit(ctx, a.Owner, a.Repo, w.Issue, &github.IssueRequest{Title: github.String(act.Title)}); err != nil {
			return err
		}
		st.Subject = w.Target.Subject
	case SetLabels:
		if _, _, err := rest.AddLabelsToIssue(ctx, a.Owner, a.Repo, w.Issue, act.Add); err != nil {
			return err
		}
		for _, l := range act.Remove {
			if resp, err := rest.RemoveLabelForIssue(ctx, a.Owner, a.Repo, w.Issue, l); err != nil && (resp == nil || resp.StatusCode != http.StatusNotFound) {
				return err
			}
		}
		st.Priority, st.Event = w.Target.Priority, w.Target.Event
	case AddToBoard:
		if err := a.addToBoard(ctx, w.NodeID, w.Target, true); err != nil {
			return err
		}
		st.Board = true
	case SetBoardPriority:
		if err := a.addToBoard(ctx, w.NodeID, w.Target, false); err != nil {
			st.Board = false // the next run puts the whole item right
			return err
		}
	case LinkTicket:
		// An issue created in this run cannot have a note yet: skip looking.
		if err := a.link(ctx, w.Ticket, w.Issue, a.issueURL(w), w.Recorded.Ticket == 0); err != nil {
			return err
		}
		st.Linked = true
	case CloseIssue:
		if _, _, err := rest.CreateComment(ctx, a.Owner, a.Repo, w.Issue, &github.IssueComment{Body: github.String(act.Comment)}); err != nil {
			return err
		}
		if _, _, err := rest.Edit(ctx, a.Owner, a.Repo, w.Issue, &github.IssueRequest{State: github.String("closed"), StateReason: github.String("completed")}); err != nil {
			return err
		}
		st.Status = w.Target.Status
	case ReopenIssue:
		if _, _, err := rest.Edit(ctx, a.Owner, a.Repo, w.Issue, &github.IssueRequest{State: github.String("open")}); err != nil {
			return err
		}
		if _, _, err := rest.CreateComment(ctx, a.Owner, a.Repo, w.Issue, &github.IssueComment{Body: github.String(act.Comment)}); err != nil {
			return err
		}
		st.Status = w.Target.Status
	case ResolveTicket:
		return a.resolve(ctx, w, st)
	case ReopenTicket:
		t, err := a.FD.Ticket(ctx, w.Ticket)
		if err != nil {
			return err
		}
		if done(t.Status) {
			if _, err := a.FD.UpdateTicket(ctx, w.Ticket, map[string]any{"status": freshdesk.StatusOpen}); err != nil {
				return err
			}
			st.Status = freshdesk.StatusOpen
			_, err := a.FD.AddNote(ctx, w.Ticket, fmt.Sprintf("<p>Reopened: the engineering issue %s#%d was reopened on GitHub.</p>", a.Owner+"/"+a.Repo, w.Issue), true)
			return err
		}
		st.Status = t.Status
	case CloseDuplicate:
		if _, _, err := rest.CreateComment(ctx, a.Owner, a.Repo, w.Issue, &github.IssueComment{Body: github.String(act.Comment)}); err != nil {
			return err
		}
		_, _, err := rest.Edit(ctx, a.Owner, a.Repo, w.Issue, &github.IssueRequest{State: github.String("closed"), StateReason: github.String("duplicate")})
		return err
	default:
		return fmt.Errorf("unknown action %q", act.Kind)
	}
	return nil
}

// issueURL is the issue's html_url as GitHub gave it; only when no answer
// carried one, the configured web host's address of it.
func (a *Applier) issueURL(w *Work) string {
	if w.URL != "" {
		return w.URL
	}
	return fmt.Sprintf("%s/%s/%s/issues/%d", a.GH.WebURL(), a.Owner, a.Repo, w.Issue)
}

// linkTries bounds the attempts to leave the link note within one run.
const linkTries = 3

// link posts the note that links the ticket to the issue, unless a note
// (from an attempt whose answer was lost) already does. A failed post is
// tried again within the run, after reading the ticket's conversations
// again, so the note is neither missing nor doubled.
func (a *Applier) link(ctx context.Context, ticket int64, issue int, url string, fresh bool) error {
	var err error
	for attempt := 1; attempt <= linkTries; attempt++ {
		// An issue created in this run cannot have a note yet: skip looking
		// the first time.
		if !fresh || attempt > 1 {
			convs, cerr := a.FD.Conversations(ctx, ticket)
			if cerr != nil {
				return cerr // the transport has retried the read already
			}
			if slices.ContainsFunc(convs, func(c freshdesk.Conversation) bool { return strings.Contains(c.Body, linkMarker(issue)) }) {
				return nil
			}
		}
		if _, err = a.FD.AddNote(ctx, ticket, LinkNote(a.Owner+"/"+a.Repo, issue, url), true); err == nil || !worthAnotherTry(ctx, err) {
			return err
		}
		if a.Log != nil {
			a.Log.Info("link note failed; checking the ticket and trying again", "ticket", ticket, "issue", issue, "attempt", attempt, "err", err)
		}
	}
	return err
}

// worthAnotherTry tells a post that may succeed if sent again (a lost
// answer, a server error) from one that will not (refused as invalid, or
// a wait the service asked for that is longer than a run waits).
func worthAnotherTry(ctx context.Context, err error) bool {
	var fe *freshdesk.Error
	var later *httpx.RetryLaterError
	switch {
	case ctx.Err() != nil, errors.As(err, &later):
		return false
	case errors.As(err, &fe):
		return fe.Status >= 500
	}
	return true
}

// resolve re-reads the ticket, leaves the summary note once, and resolves.
func (a *Applier) resolve(ctx context.Context, w *Work, st *State) error {
	t, err := a.FD.Ticket(ctx, w.Ticket)
	if err != nil {
		return err
	}
	if done(t.Status) {
		st.Status = t.Status
		return nil
	}
	var q struct {
		Repository struct {
			Issue struct {
				ClosedByPullRequestsReferences struct {
					Nodes []struct {
						Number int
						Title  string
						URL    string
						Author struct{ Login string }
					}
				}
			}
		}
	}
	if err := a.GH.GraphQL(ctx, gh.QueryClosingPulls, map[string]any{"owner": a.Owner, "repo": a.Repo, "number": w.Issue}, &q); err != nil {
		return err
	}
	var pulls []Closing
	for _, n := range q.Repository.Issue.ClosedByPullRequestsReferences.Nodes {
		pulls = append(pulls, Closing{Number: n.Number, Title: n.Title, URL: n.URL, Author: n.Author.Login})
	}
	convs, err := a.FD.Conversations(ctx, w.Ticket)
	if err != nil {
		return err
	}
	// Our own note changes the ticket's updated_at; only a later change
	// is someone else's, worth another try after a refusal.
	seen := t.UpdatedAt
	if !slices.ContainsFunc(convs, func(c freshdesk.Conversation) bool {
		return strings.Contains(c.Body, resolvedMarker(w.Issue, w.ClosedAt))
	}) {
		note := ResolvedNote(a.Owner+"/"+a.Repo, w.Issue, a.issueURL(w), w.ClosedBy, w.ClosedAt, pulls)
		conv, err := a.FD.AddNote(ctx, w.Ticket, note, true)
		if err != nil {
			return err
		}
		if conv.CreatedAt.After(seen) {
			seen = conv.CreatedAt
		}
	}
	_, err = a.FD.UpdateTicket(ctx, w.Ticket, map[string]any{"status": freshdesk.StatusResolved})
	var fe *freshdesk.Error
	if errors.As(err, &fe) && fe.Status == http.StatusBadRequest {
		// FreshDesk refuses (a field required for closure): say so once,
		// and wait for the ticket to change before trying again.
		st.ResolveError, st.ResolveTried = err.Error(), seen
		a.GH.REST.Issues.CreateComment(ctx, a.Owner, a.Repo, w.Issue, &github.IssueComment{Body: github.String(
			"steward could not resolve the support ticket: " + fe.Error() + ". Complete the ticket in FreshDesk; steward tries again when it changes.")})
		return err
	}
	if err != nil {
		return err
	}
	st.Status = freshdesk.StatusResolved
	return nil
}

// boardInfo is the project and the ids its fields and options have.
type boardInfo struct {
	id        string
	status    *field
	priority  *field
	iteration *field
}

type field struct {
	id      string
	name    string
	options map[string]string // lower-case name -> id
	first   string            // the first option: the highest priority
	iters   []iteration
}

type iteration struct {
	id, title string
	start     civil.Date
	days      int
}

// findBoard reads the project and checks that every configured field and
// option exists, naming what does when not.
func (a *Applier) findBoard(ctx context.Context) (*boardInfo, error) {
	if a.board != nil {
		return a.board, nil
	}
	b := a.Board
	var q struct {
		Organization struct {
			ProjectV2 struct {
				ID     string
				Fields struct {
					Nodes []struct {
						ID            string
						Name          string
						DataType      string
						Options       []struct{ ID, Name string }
						Configuration struct {
							Iterations []struct {
								ID, Title, StartDate string
								Duration             int
							}
						}
					}
				}
			}
		}
	}
	if err := a.GH.GraphQL(ctx, gh.QueryFindProject, map[string]any{"owner": b.Owner, "number": b.Number}, &q); err != nil {
		return nil, fmt.Errorf("integrations.github.project %s/%d: %w", b.Owner, b.Number, err)
	}
	info := &boardInfo{id: q.Organization.ProjectV2.ID}
	var names []string
	fields := map[string]*field{}
	for _, n := range q.Organization.ProjectV2.Fields.Nodes {
		f := &field{id: n.ID, name: n.Name, options: map[string]string{}}
		for i, o := range n.Options {
			f.options[strings.ToLower(o.Name)] = o.ID
			if i == 0 {
				f.first = o.ID
			}
		}
		for _, it := range n.Configuration.Iterations {
			d, err := civil.Parse(it.StartDate)
			if err == nil {
				f.iters = append(f.iters, iteration{id: it.ID, title: it.Title, start: d, days: it.Duration})
			}
		}
		fields[strings.ToLower(n.Name)] = f
		names = append(names, n.Name)
	}
	get := func(setting, name string) (*field, error) {
		if f, ok := fields[strings.ToLower(name)]; ok {
			return f, nil
		}
		return nil, fmt.Errorf("integrations.github.project.%s: project %s/%d has no field %q; its fields are: %s",
			setting, b.Owner, b.Number, name, strings.Join(names, ", "))
	}
	var err error
	if info.status, err = get("status_field", b.StatusField); err != nil {
		return nil, err
	}
	if _, ok := info.status.options[strings.ToLower(b.StatusOption)]; !ok {
		return nil, fmt.Errorf("integrations.github.project.status_option: field %q has no option %q; its options are: %s",
			b.StatusField, b.StatusOption, optionNames(info.status))
	}
	if info.priority, err = get("priority_field", b.PriorityField); err != nil {
		return nil, err
	}
	if info.iteration, err = get("iteration_field", b.IterationField); err != nil {
		return nil, err
	}
	a.board = info
	return info, nil
}

func optionNames(f *field) string {
	var n []string
	for k := range f.options {
		n = append(n, k)
	}
	slices.Sort(n)
	return strings.Join(n, ", ")
}

// addToBoard adds the issue (GitHub returns the existing item when it is
// there already) and sets its fields; a new item also goes to the top.
func (a *Applier) addToBoard(ctx context.Context, nodeID string, s State, all bool) error {
	b, err := a.findBoard(ctx)
	if err != nil {
		return err
	}
	var added struct {
		AddProjectV2ItemByID struct{ Item struct{ ID string } } `json:"addProjectV2ItemById"`
	}
	if err := a.GH.GraphQL(ctx, gh.MutationAddItem, map[string]any{"projectId": b.id, "contentId": nodeID}, &added); err != nil {
		return err
	}
	item := added.AddProjectV2ItemByID.Item.ID
	set := func(f *field, value map[string]any) error {
		return a.GH.GraphQL(ctx, gh.MutationSetField, map[string]any{"projectId": b.id, "itemId": item, "fieldId": f.id, "value": value}, nil)
	}
	name := freshdesk.PriorityName(s.Priority)
	opt, ok := b.priority.options[strings.ToLower(name)]
	if s.Top() && b.priority.first != "" {
		opt, ok = b.priority.first, true // events, Urgent and hub-down come first
	}
	if !ok {
		return fmt.Errorf("integrations.github.project.priority_field: field %q has no option %q; its options are: %s", b.priority.name, name, optionNames(b.priority))
	}
	if err := set(b.priority, map[string]any{"singleSelectOptionId": opt}); err != nil {
		return err
	}
	if !all {
		return nil
	}
	if err := set(b.status, map[string]any{"singleSelectOptionId": b.status.options[strings.ToLower(a.Board.StatusOption)]}); err != nil {
		return err
	}
	if it, ok := currentIteration(b.iteration, civil.Of(a.Now.In(a.Render.Location))); ok {
		if err := set(b.iteration, map[string]any{"iterationId": it.id}); err != nil {
			return err
		}
	} else {
		return fmt.Errorf("integrations.github.project.iteration_field: field %q has no current or coming iteration", b.iteration.name)
	}
	return a.GH.GraphQL(ctx, gh.MutationMoveToTop, map[string]any{"projectId": b.id, "itemId": item}, nil)
}

// currentIteration is the iteration holding today, else the next to start.
func currentIteration(f *field, today civil.Date) (iteration, bool) {
	var next *iteration
	for i, it := range f.iters {
		if !today.Before(it.start) && today.Before(it.start.AddDays(it.days)) {
			return it, true
		}
		if it.start.After(today) && (next == nil || it.start.Before(next.start)) {
			next = &f.iters[i]
		}
	}
	if next != nil {
		return *next, true
	}
	return iteration{}, false
}
