package mirror

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/privacy"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sla"
)

// Config is what the plan needs of roster.yaml.
type Config struct {
	// Domain is the FreshDesk host (acme.freshdesk.com): markers name it,
	// so two accounts never mix.
	Domain             string
	Tags               []string
	MinPriority        int
	SupportLabel       string
	EventLabel         string
	Events             []roster.Event
	Location           *time.Location
	IncludeRequester   bool
	IncludeDescription bool
	// KeepSubjects turns off scrubbing e-mail addresses and phone numbers
	// from subjects (integrations.freshdesk.scrub_subjects: false); by
	// default they never reach GitHub.
	KeepSubjects bool
}

// Ticket is a helpdesk ticket as the mirror needs it. Requester and
// Description are private: they reach GitHub only when configured.
type Ticket struct {
	ID          int64
	Subject     string
	Status      int // 2 open, 3 pending, 4 resolved, 5 closed; accounts add more
	Priority    int // 1 Low .. 4 Urgent
	Tags        []string
	Spam        bool
	Company     int64 // 0: none
	Created     time.Time
	Updated     time.Time
	Requester   string // the requester's name, when read
	Description string // the description as text, when read
}

// HasTag reports whether the ticket carries tag, ignoring case.
func (t Ticket) HasTag(tag string) bool {
	return slices.ContainsFunc(t.Tags, func(x string) bool { return strings.EqualFold(x, tag) })
}

// Issue is a support issue as observed on GitHub.
type Issue struct {
	Number      int
	NodeID      string
	Title       string
	Body        string
	State       string // open, closed
	StateReason string // completed, not_planned, duplicate, reopened
	Labels      []string
	ClosedAt    time.Time
	ClosedBy    string
	Created     time.Time
	// Updated is when GitHub last saw the issue change.
	Updated time.Time
	// URL is the issue's html_url: links are built from it, never by
	// formatting https://github.com/... (GitHub Enterprise Server).
	URL string
}

// Input is everything observed for one run.
type Input struct {
	Now time.Time
	// Tickets changed in the run's window, with stats.
	Tickets []Ticket
	// Issues are every issue with the support label, open or closed.
	Issues []Issue
	// Hubs names companies by id, for the tickets that need it.
	Hubs map[int64]string
}

// Kind is what an action does.
type Kind string

// The actions of a plan.
const (
	CreateIssue    Kind = "create-issue"
	UpdateTitle    Kind = "update-title"
	SetLabels      Kind = "set-labels"
	LinkTicket     Kind = "link-ticket"
	CloseIssue     Kind = "close-issue"
	ReopenIssue    Kind = "reopen-issue"
	ResolveTicket  Kind = "resolve-ticket"
	ReopenTicket   Kind = "reopen-ticket"
	CloseDuplicate Kind = "close-duplicate"
	AdoptIssue     Kind = "adopt-issue"
)

// Action is one step, with the reason for it.
type Action struct {
	Kind     Kind     `json:"kind"`
	Reason   string   `json:"reason"`
	Title    string   `json:"title,omitempty"`
	Add      []string `json:"add_labels,omitempty"`
	Remove   []string `json:"remove_labels,omitempty"`
	Comment  string   `json:"comment,omitempty"`
	Survivor int      `json:"survivor,omitempty"`
}

// Work is the plan for one ticket and its issue.
type Work struct {
	Ticket int64  `json:"ticket"`
	Issue  int    `json:"issue,omitempty"` // 0 until created
	NodeID string `json:"-"`
	// URL is the issue's html_url, once it exists; Title its title.
	URL   string `json:"-"`
	Title string `json:"-"`
	// Body is the issue's body now; Recorded is the state in it.
	Body     string `json:"-"`
	Recorded State  `json:"-"`
	// Target is the state to record when every action succeeds.
	Target  State    `json:"-"`
	Actions []Action `json:"actions"`
	// ClosedAt and ClosedBy are the issue's, for the resolved note.
	ClosedAt time.Time `json:"-"`
	ClosedBy string    `json:"-"`
}

// Unmatched says why a ticket is not one to mirror ("" when it is): in
// words for the person who asked, as a dry-run dispatch does.
func (c Config) Unmatched(t Ticket) string {
	switch {
	case c.Matches(t):
		return ""
	case t.Spam:
		return "it is marked as spam"
	}
	why := fmt.Sprintf("it carries none of the mirrored tags (%s)", strings.Join(c.Tags, ", "))
	if c.MinPriority > 0 {
		why += fmt.Sprintf(" and its priority is below %s", sla.PriorityName(c.MinPriority))
	}
	return why
}

// Matches reports whether a ticket is one to mirror: it carries a
// configured tag, or its priority reaches min_priority.
func (c Config) Matches(t Ticket) bool {
	if t.Spam {
		return false
	}
	for _, tag := range c.Tags {
		if t.HasTag(tag) {
			return true
		}
	}
	return c.MinPriority > 0 && t.Priority >= c.MinPriority
}

// eventNow reports whether hub has an event in roster.yaml on now's day.
func (c Config) eventNow(hub string, now time.Time) bool {
	today := civil.Of(now.In(c.Location))
	for _, e := range c.Events {
		if e.On(today) && e.ForHub(hub) {
			return true
		}
	}
	return false
}

// closeDuplicates is the work of closing the open issues of ticket id
// after its first (issues oldest first): duplicates of it.
func closeDuplicates(id int64, issues []Issue, states map[int]State) []Work {
	var works []Work
	survivor := issues[0]
	for _, dup := range issues[1:] {
		// Open, or closed otherwise than as a duplicate: a twin two runs
		// made at once for a ticket already resolved is created closed.
		if dup.State == "open" || dup.StateReason != "duplicate" {
			works = append(works, Work{Ticket: id, Issue: dup.Number, NodeID: dup.NodeID, URL: dup.URL, Body: dup.Body, Recorded: states[dup.Number], Target: states[dup.Number],
				Actions: []Action{{Kind: CloseDuplicate, Survivor: survivor.Number,
					Reason:  fmt.Sprintf("ticket %d has two issues; #%d is the oldest", id, survivor.Number),
					Comment: fmt.Sprintf("Duplicate of #%d: steward found two issues for the same support ticket and keeps the oldest.", survivor.Number)}}})
		}
	}
	return works
}

// Duplicates is the part of Plan that closes duplicates, alone: for a run
// that has just written and read the issues again, without planning every
// ticket's issue anew. In ticket order.
func Duplicates(c Config, issues []Issue) []Work {
	groups, states := mirrorsByTicket(issues)
	var works []Work
	for k, g := range groups {
		if k.domain == strings.ToLower(c.Domain) {
			works = append(works, closeDuplicates(k.ticket, g, states)...)
		}
	}
	slices.SortFunc(works, func(a, b Work) int { return cmp.Or(cmp.Compare(a.Ticket, b.Ticket), cmp.Compare(a.Issue, b.Issue)) })
	return works
}

// Plan computes what to do. It is pure: the same input gives the same plan.
func Plan(c Config, in Input) []Work {
	groups, states := mirrorsByTicket(in.Issues)
	byTicket := map[int64][]Issue{}
	for k, g := range groups {
		if k.domain == strings.ToLower(c.Domain) {
			byTicket[k.ticket] = g
		}
	}
	named := map[int64]Issue{} // the oldest unmirrored issue naming each ticket
	for _, is := range in.Issues {
		if _, mirrors := states[is.Number]; mirrors {
			continue
		}
		if id, ok := TicketRef(is.Body, c.Domain); ok {
			if prev, seen := named[id]; !seen || is.Number < prev.Number {
				named[id] = is
			}
		}
	}
	changed := map[int64]Ticket{}
	for _, t := range in.Tickets {
		changed[t.ID] = t
	}
	ids := make([]int64, 0, len(byTicket)+len(changed))
	for id := range byTicket {
		ids = append(ids, id)
	}
	for id := range changed {
		if _, ok := byTicket[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)

	var works []Work
	for _, id := range ids {
		issues := byTicket[id]
		t, hasTicket := changed[id]
		var tp *Ticket
		if hasTicket {
			tp = &t
		}
		if len(issues) == 0 {
			if is, ok := named[id]; ok && hasTicket {
				works = append(works, c.adopt(in, is, t))
			} else if hasTicket && c.Matches(t) {
				works = append(works, c.create(in, t))
			}
			continue
		}
		survivor := issues[0]
		works = append(works, closeDuplicates(id, issues, states)...)
		if w, ok := c.reconcile(in, survivor, states[survivor.Number], tp); ok {
			works = append(works, w)
		}
	}
	return works
}

// subject is a ticket's subject as GitHub may see it: e-mail addresses
// and phone numbers scrubbed unless configured otherwise.
func (c Config) subject(s string) string {
	if c.KeepSubjects {
		return s
	}
	return privacy.Scrub(s)
}

// target is the state that ticket t (or, without it, the recorded state)
// asks for.
func (c Config) target(in Input, r State, t *Ticket) State {
	s := r
	s.Domain = c.Domain
	if t != nil {
		s.Ticket, s.Subject, s.Priority, s.Created = t.ID, c.subject(t.Subject), t.Priority, t.Created
		s.HubDown = t.HasTag(sla.HubDownTag)
		company := t.Company
		if company != r.Company || s.Hub == "" {
			s.Hub = in.Hubs[company]
		}
		s.Company = company
		s.Requester, s.Description = "", ""
		if c.IncludeRequester {
			s.Requester = t.Requester
		}
		if c.IncludeDescription {
			s.Description = t.Description
		}
	}
	s.Event = c.eventNow(s.Hub, in.Now)
	return s
}

func (c Config) labels(s State) []string {
	l := []string{c.SupportLabel, PriorityLabel(s.Priority)}
	if s.Event {
		l = append(l, c.EventLabel)
	}
	return l
}

func (c Config) create(in Input, t Ticket) Work {
	tgt := c.target(in, State{}, &t)
	tgt.Status = t.Status
	w := Work{Ticket: t.ID, Target: tgt}
	reason := "the ticket carries a mirrored tag"
	if !slices.ContainsFunc(c.Tags, t.HasTag) {
		reason = fmt.Sprintf("the ticket's priority is %s", sla.PriorityName(t.Priority))
	}
	w.Actions = append(w.Actions, Action{Kind: CreateIssue, Title: Title(tgt), Add: c.labels(tgt), Reason: reason})
	w.Actions = append(w.Actions, Action{Kind: LinkTicket, Reason: "the ticket gets a private note linking its issue"})
	if done(t.Status) {
		w.Actions = append(w.Actions, Action{Kind: CloseIssue, Reason: "the ticket is already " + StatusName(t.Status),
			Comment: "The support ticket is already " + StatusName(t.Status) + "; closing."})
	}
	return w
}

// adopt makes issue is, which a person opened naming ticket t, the ticket's
// mirror (whatever the ticket's tags: a person asked for it): steward's
// block joins their text (adoptedState), and the two are then reconciled
// from there. Every path that sees such an issue adopts through here.
func (c Config) adopt(in Input, is Issue, t Ticket) Work {
	r := c.adoptedState(in.Now, is.State == "open", t)
	w, _ := c.reconcile(in, is, r, &t) // the apply's final edit writes the block
	w.Actions = append([]Action{{Kind: AdoptIssue, Reason: fmt.Sprintf("issue #%d names ticket %d and no issue mirrors it: it becomes the mirror", is.Number, t.ID)}}, w.Actions...)
	return w
}

func (c Config) reconcile(in Input, is Issue, r State, t *Ticket) (Work, bool) {
	tgt := c.target(in, r, t)
	w := Work{Ticket: r.Ticket, Issue: is.Number, NodeID: is.NodeID, URL: is.URL, Title: is.Title, Body: is.Body, Recorded: r, ClosedAt: is.ClosedAt, ClosedBy: is.ClosedBy}
	// Compared scrubbed: an issue recorded before scrubbing gets its title
	// and marker scrubbed once.
	if t != nil && tgt.Subject != r.Subject && tgt.Subject != "" {
		w.Actions = append(w.Actions, Action{Kind: UpdateTitle, Title: Title(tgt), Reason: "the ticket's subject changed in FreshDesk"})
	}
	if tgt.Priority != r.Priority || tgt.Event != r.Event {
		want := c.labels(tgt)
		var remove []string
		for _, l := range is.Labels {
			managed := strings.HasPrefix(l, "priority: ") || strings.EqualFold(l, c.EventLabel)
			if managed && !slices.ContainsFunc(want, func(x string) bool { return strings.EqualFold(x, l) }) {
				remove = append(remove, l)
			}
		}
		reason := "the ticket's priority changed in FreshDesk"
		if tgt.Priority == r.Priority {
			reason = "the hub's event began or ended"
		}
		w.Actions = append(w.Actions, Action{Kind: SetLabels, Add: want, Remove: remove, Reason: reason})
	}

	tStatus := r.Status
	if t != nil {
		tStatus = t.Status
	}
	ticketChanged := done(tStatus) != done(r.Status)
	issueChanged := (is.State == "closed") != done(r.Status)
	tgt.Status = tStatus
	switch {
	case ticketChanged && !issueChanged && done(tStatus):
		w.Actions = append(w.Actions, Action{Kind: CloseIssue, Reason: "the ticket was " + StatusName(tStatus) + " in FreshDesk",
			Comment: "The support ticket was marked " + StatusName(tStatus) + " in FreshDesk; closing. Reopen this issue to reopen the ticket."})
	case ticketChanged && !issueChanged:
		w.Actions = append(w.Actions, Action{Kind: ReopenIssue, Reason: "the ticket was reopened in FreshDesk",
			Comment: "The support ticket was reopened in FreshDesk (now " + StatusName(tStatus) + "); reopening."})
	case issueChanged && !ticketChanged && is.State == "closed" && is.StateReason == "completed":
		retry := r.ResolveError == "" || (t != nil && t.Updated.After(r.ResolveTried))
		if retry {
			w.Actions = append(w.Actions, Action{Kind: ResolveTicket, Reason: fmt.Sprintf("issue #%d was closed as completed", is.Number)})
		}
		tgt.Status = r.Status
	case issueChanged && !ticketChanged && is.State == "open":
		w.Actions = append(w.Actions, Action{Kind: ReopenTicket, Reason: fmt.Sprintf("issue #%d was reopened", is.Number)})
		tgt.Status = r.Status
	case issueChanged && !ticketChanged:
		tgt.Status = r.Status // closed as not planned: the ticket stays as it is
	}
	if !r.Linked {
		w.Actions = append(w.Actions, Action{Kind: LinkTicket, Reason: "the ticket has no note linking the issue yet"})
	}
	if r.ResolveError != "" && t != nil && t.Updated.After(r.ResolveTried) {
		tgt.ResolveError, tgt.ResolveTried = "", time.Time{}
	}
	w.Target = tgt
	// Nothing to do but record what changed on the display side.
	displayChanged := tgt.Hub != r.Hub || tgt.Company != r.Company || !tgt.Created.Equal(r.Created) ||
		tgt.Requester != r.Requester || tgt.Description != r.Description || tgt.Status != r.Status ||
		tgt.ResolveError != r.ResolveError || tgt.Subject != r.Subject || tgt.HubDown != r.HubDown
	return w, len(w.Actions) > 0 || displayChanged
}
