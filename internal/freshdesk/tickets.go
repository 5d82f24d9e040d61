package freshdesk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/httpx"
)

// Statuses and priorities FreshDesk defines; accounts may add statuses.
const (
	StatusOpen     = 2
	StatusPending  = 3
	StatusResolved = 4
	StatusClosed   = 5

	PriorityLow    = 1
	PriorityMedium = 2
	PriorityHigh   = 3
	PriorityUrgent = 4
)

// Ticket is a FreshDesk ticket, with the parts asked for by include.
type Ticket struct {
	ID              int64          `json:"id"`
	Subject         string         `json:"subject"`
	Description     string         `json:"description"`
	DescriptionText string         `json:"description_text"`
	Status          int            `json:"status"`
	Priority        int            `json:"priority"`
	Source          int            `json:"source"`
	Type            *string        `json:"type"`
	Tags            []string       `json:"tags"`
	CustomFields    map[string]any `json:"custom_fields"`
	RequesterID     int64          `json:"requester_id"`
	ResponderID     *int64         `json:"responder_id"`
	GroupID         *int64         `json:"group_id"`
	CompanyID       *int64         `json:"company_id"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	DueBy           *time.Time     `json:"due_by"`
	FrDueBy         *time.Time     `json:"fr_due_by"`
	Spam            bool           `json:"spam"`
	Stats           *Stats         `json:"stats"`
	Requester       *Contact       `json:"requester"`
	Company         *Company       `json:"company"`
	Conversations   []Conversation `json:"conversations"`
}

// HasTag reports whether the ticket carries tag, ignoring case.
func (t Ticket) HasTag(tag string) bool {
	for _, x := range t.Tags {
		if strings.EqualFold(x, tag) {
			return true
		}
	}
	return false
}

// Stats are a ticket's timestamps (include=stats).
type Stats struct {
	FirstRespondedAt     *time.Time `json:"first_responded_at"`
	AgentRespondedAt     *time.Time `json:"agent_responded_at"`
	RequesterRespondedAt *time.Time `json:"requester_responded_at"`
	ResolvedAt           *time.Time `json:"resolved_at"`
	ClosedAt             *time.Time `json:"closed_at"`
	PendingSince         *time.Time `json:"pending_since"`
	ReopenedAt           *time.Time `json:"reopened_at"`
	StatusUpdatedAt      *time.Time `json:"status_updated_at"`
}

// Contact is a requester.
type Contact struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Email  *string `json:"email"`
	Phone  *string `json:"phone"`
	Mobile *string `json:"mobile"`
}

// Company is a requester's organisation: for steward, the hub.
type Company struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Conversation is a reply or a note.
type Conversation struct {
	ID        int64     `json:"id"`
	TicketID  int64     `json:"ticket_id"`
	Body      string    `json:"body"`
	BodyText  string    `json:"body_text"`
	Incoming  bool      `json:"incoming"`
	Private   bool      `json:"private"`
	UserID    int64     `json:"user_id"`
	Source    int       `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// ListOptions select tickets to list.
type ListOptions struct {
	// UpdatedSince lists tickets changed since then; zero lists only those
	// created in the last 30 days (FreshDesk's default).
	UpdatedSince time.Time
	OrderBy      string // created_at (default), due_by, updated_at, status
	OrderType    string // asc or desc (default)
	Include      []string
	PerPage      int // 1..100; default 100
}

// ListTickets lists every ticket matching o, following the Link header.
func (c *Client) ListTickets(ctx context.Context, o ListOptions) ([]Ticket, error) {
	q := url.Values{}
	if !o.UpdatedSince.IsZero() {
		q.Set("updated_since", o.UpdatedSince.UTC().Format(time.RFC3339))
	}
	if o.OrderBy != "" {
		q.Set("order_by", o.OrderBy)
	}
	if o.OrderType != "" {
		q.Set("order_type", o.OrderType)
	}
	if len(o.Include) > 0 {
		q.Set("include", strings.Join(o.Include, ","))
	}
	per := o.PerPage
	if per <= 0 || per > 100 {
		per = 100
	}
	q.Set("per_page", strconv.Itoa(per))
	return collect[Ticket](ctx, c, "/tickets", q)
}

// collect reads a list and every page after it, following the Link
// header. A next link that was read already, that leaves the account's
// host (it would carry the API key there), or more pages than the cap end
// the list with an error.
func collect[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var all, page []T
	guard := httpx.Pager{Service: "FreshDesk", What: path, Max: c.pages}
	first := c.url(path, q)
	guard.Next(first)
	next, err := c.doURL(ctx, http.MethodGet, first, nil, &page)
	for {
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		u, perr := url.Parse(next)
		if perr != nil || u.Host != c.base.Host || u.Scheme != c.base.Scheme {
			return nil, fmt.Errorf("FreshDesk: listing %s: the next link %q is not on %s; stopping", path, next, c.base.Host)
		}
		if err := guard.Next(next); err != nil {
			return nil, err
		}
		page = nil
		next, err = c.doURL(ctx, http.MethodGet, next, nil, &page)
	}
}

// Ticket reads one ticket with the given includes (conversations,
// requester, company, stats).
func (c *Client) Ticket(ctx context.Context, id int64, include ...string) (Ticket, error) {
	q := url.Values{}
	if len(include) > 0 {
		q.Set("include", strings.Join(include, ","))
	}
	var t Ticket
	_, err := c.do(ctx, http.MethodGet, fmt.Sprintf("/tickets/%d", id), q, nil, &t)
	return t, err
}

// UpdateTicket changes only the given fields, as FreshDesk requires.
func (c *Client) UpdateTicket(ctx context.Context, id int64, fields map[string]any) (Ticket, error) {
	var t Ticket
	_, err := c.do(ctx, http.MethodPut, fmt.Sprintf("/tickets/%d", id), nil, fields, &t)
	return t, err
}

// AddNote adds a note (HTML body) to a ticket.
func (c *Client) AddNote(ctx context.Context, id int64, body string, private bool) (Conversation, error) {
	var conv Conversation
	_, err := c.do(ctx, http.MethodPost, fmt.Sprintf("/tickets/%d/notes", id), nil,
		map[string]any{"body": body, "private": private}, &conv)
	return conv, err
}

// Reply answers the requester publicly.
func (c *Client) Reply(ctx context.Context, id int64, body string) (Conversation, error) {
	var conv Conversation
	_, err := c.do(ctx, http.MethodPost, fmt.Sprintf("/tickets/%d/reply", id), nil, map[string]any{"body": body}, &conv)
	return conv, err
}

// Conversations lists every conversation of a ticket, oldest first.
func (c *Client) Conversations(ctx context.Context, id int64) ([]Conversation, error) {
	return collect[Conversation](ctx, c, fmt.Sprintf("/tickets/%d/conversations", id), url.Values{"per_page": {"100"}})
}

// Company reads a company.
func (c *Client) Company(ctx context.Context, id int64) (Company, error) {
	var co Company
	_, err := c.do(ctx, http.MethodGet, fmt.Sprintf("/companies/%d", id), nil, nil, &co)
	return co, err
}

// Group is an agent group.
type Group struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	AgentIDs []int64 `json:"agent_ids"`
}

// Group reads an agent group.
func (c *Client) Group(ctx context.Context, id int64) (Group, error) {
	var g Group
	_, err := c.do(ctx, http.MethodGet, fmt.Sprintf("/admin/groups/%d", id), nil, nil, &g)
	return g, err
}

// SetGroupAgents makes the group's agents exactly ids.
func (c *Client) SetGroupAgents(ctx context.Context, id int64, ids []int64) (Group, error) {
	var g Group
	_, err := c.do(ctx, http.MethodPut, fmt.Sprintf("/admin/groups/%d", id), nil, map[string]any{"agent_ids": ids}, &g)
	return g, err
}

// Search runs a ticket search (the query without its surrounding quotes),
// all pages. FreshDesk's index lags writes by minutes: use it for
// reports, never to ask whether something was just created.
func (c *Client) Search(ctx context.Context, query string) ([]Ticket, error) {
	var all []Ticket
	for page := 1; page <= 10; page++ {
		var res struct {
			Total   int      `json:"total"`
			Results []Ticket `json:"results"`
		}
		q := url.Values{"query": {`"` + query + `"`}, "page": {strconv.Itoa(page)}}
		if _, err := c.do(ctx, http.MethodGet, "/search/tickets", q, nil, &res); err != nil {
			return nil, err
		}
		all = append(all, res.Results...)
		if len(res.Results) < 30 || len(all) >= res.Total {
			break
		}
	}
	return all, nil
}
