package mirror

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/freshdesk"
)

// SyncTicket reconciles one ticket and its issue now, as a webhook asks:
// it re-reads the ticket instead of trusting the delivery.
func (a *Applier) SyncTicket(ctx context.Context, c Config, label string, id int64) (Report, error) {
	include := []string{"stats"}
	if c.IncludeRequester {
		include = append(include, "requester")
	}
	t, err := a.FD.Ticket(ctx, id, include...)
	if err != nil {
		return Report{}, fmt.Errorf("reading FreshDesk ticket %d: %w", id, err)
	}
	issues, err := a.listIssues(ctx, label)
	if err != nil {
		return Report{}, err
	}
	in := Input{Now: a.Now, Tickets: []freshdesk.Ticket{t}, Issues: issues, Hubs: map[int64]string{}}
	if t.CompanyID != nil && *t.CompanyID != 0 {
		name := ""
		for _, is := range issues {
			if st, ok := parseState(is.Body); ok && st.Company == *t.CompanyID && st.Hub != "" {
				name = st.Hub
			}
		}
		if name == "" && (c.Matches(t) || hasIssue(issues, c.Domain, id)) {
			co, err := a.FD.Company(ctx, *t.CompanyID)
			if err != nil {
				return Report{}, fmt.Errorf("reading FreshDesk company %d: %w", *t.CompanyID, err)
			}
			name = co.Name
		}
		in.Hubs[*t.CompanyID] = name
	}
	var works []Work
	for _, w := range Plan(c, in) {
		if w.Ticket == id {
			works = append(works, w)
		}
	}
	r := Report{Planned: works}
	if r.Planned == nil {
		r.Planned = []Work{}
	}
	r.Outcomes = a.Apply(ctx, works)
	return r, nil
}

// ticketRef finds a reference to a ticket of this account in a body:
// its agent URL, or "FreshDesk #42".
func ticketRef(body, host string) (int64, bool) {
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(host) + `/a/tickets/(\d+)|freshdesk(?: ticket)? #(\d+)`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return 0, false
	}
	s := m[1]
	if s == "" {
		s = m[2]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// Adopt makes an issue that a person labelled and that names a ticket the
// ticket's mirror, unless another issue already is; then syncs the ticket
// (board, link note). It reports the issue that mirrors the ticket.
func (a *Applier) Adopt(ctx context.Context, c Config, label string, number int) (int, error) {
	is, _, err := a.GH.REST.Issues.Get(ctx, a.Owner, a.Repo, number)
	if err != nil {
		return 0, fmt.Errorf("reading #%d: %w", number, err)
	}
	if id, _, ok := TicketOf(is.GetBody()); ok {
		_, err := a.SyncTicket(ctx, c, label, id)
		return number, err
	}
	id, ok := ticketRef(is.GetBody(), c.Domain)
	if !ok {
		return 0, nil
	}
	issues, err := a.listIssues(ctx, label)
	if err != nil {
		return 0, err
	}
	for _, other := range issues {
		if st, ok := parseState(other.Body); ok && st.Ticket == id && st.Domain == c.Domain && other.Number != number {
			_, _, err := a.GH.REST.Issues.CreateComment(ctx, a.Owner, a.Repo, number, &github.IssueComment{Body: github.String(
				fmt.Sprintf("FreshDesk ticket #%d is already tracked in #%d.", id, other.Number))})
			return other.Number, err
		}
	}
	t, err := a.FD.Ticket(ctx, id, "stats")
	if err != nil {
		return 0, fmt.Errorf("reading FreshDesk ticket %d: %w", id, err)
	}
	st := c.target(Input{Now: a.Now, Hubs: map[int64]string{}}, State{}, &t)
	st.Status = t.Status
	if done(t.Status) && is.GetState() == "open" {
		st.Status = freshdesk.StatusOpen // the ticket's resolution is news to the issue: the sync closes it
	}
	body := withBlock(is.GetBody(), a.Render.Body(st))
	if _, _, err := a.GH.REST.Issues.Edit(ctx, a.Owner, a.Repo, number, &github.IssueRequest{Body: github.String(body)}); err != nil {
		return 0, fmt.Errorf("linking #%d to ticket %d: %w", number, id, err)
	}
	_, err = a.SyncTicket(ctx, c, label, id)
	return number, err
}
