package sandbox

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// FreshDesk ticket statuses and priorities.
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

// FDTicket is a FreshDesk ticket as the emulator stores it.
type FDTicket struct {
	ID              int64
	Subject         string
	Description     string // HTML
	Status          int
	Priority        int
	Source          int
	Type            string
	Tags            []string
	CustomFields    map[string]any
	RequesterID     int64
	ResponderID     int64
	GroupID         int64
	CompanyID       int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	DueBy           time.Time
	FrDueBy         time.Time
	FrEscalated     bool
	IsEscalated     bool
	Spam            bool
	Deleted         bool
	Stats           FDStats
	conversationIDs []int64
}

// FDStats is a ticket's timestamps (include=stats); zero means null.
type FDStats struct {
	FirstRespondedAt     time.Time
	AgentRespondedAt     time.Time
	RequesterRespondedAt time.Time
	ResolvedAt           time.Time
	ClosedAt             time.Time
	PendingSince         time.Time
	ReopenedAt           time.Time
	StatusUpdatedAt      time.Time
}

// FDConversation is a reply or note on a ticket.
type FDConversation struct {
	ID        int64
	TicketID  int64
	Body      string // HTML
	Incoming  bool   // from the customer
	Private   bool
	UserID    int64
	Source    int // 0 reply, 2 note
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FDContact is a requester.
type FDContact struct {
	ID     int64
	Name   string
	Email  string
	Phone  string
	Mobile string
}

// FDCompany is a requester's organisation (for steward, the hub).
type FDCompany struct {
	ID   int64
	Name string
}

// FDGroup is an agent group.
type FDGroup struct {
	ID       int64
	Name     string
	AgentIDs []int64
}

// FDField is a custom ticket field.
type FDField struct {
	Name               string // cf_...
	Label              string
	Type               string // custom_text, custom_dropdown, ...
	RequiredForClosure bool
	Choices            []string
}

// FreshdeskOptions configure a FreshDesk emulator.
type FreshdeskOptions struct {
	// APIKey is the only key accepted (basic auth user name).
	APIKey string
	// AgentID is the agent the API key belongs to: the author of notes.
	AgentID int64
	// RateLimit is credits per minute (per hour with PerHour); 0 means
	// 700 (Enterprise), or 3,000 (Blossom, Garden) with PerHour.
	RateLimit int
	// PerHour meters RateLimit per hour, as FreshDesk's legacy plans
	// (Blossom, Garden, Estate, Forest) do. The headers are the same: no
	// header says which window the budget is for.
	PerHour bool
	// ListLimit is the sub-limit on GET /tickets per minute; 0 means 200.
	ListLimit int
	// SearchLag is how far the search index trails writes.
	SearchLag time.Duration
	// ExtraStatuses are account-defined statuses beyond 2-5, by id (6 and
	// up); AddStatus adds more.
	ExtraStatuses map[int]string
	Clock         Clock
	Faults        *Faults
}

// Freshdesk is an in-memory FreshDesk API v2.
type Freshdesk struct {
	opts   FreshdeskOptions
	clock  Clock
	ledger *Ledger
	door   *frontDoor

	mu            sync.Mutex
	tickets       map[int64]*FDTicket
	history       map[int64][]fdVersion // for the lagging search index
	conversations map[int64]*FDConversation
	contacts      map[int64]*FDContact
	companies     map[int64]*FDCompany
	groups        map[int64]*FDGroup
	fields        []FDField
	extraStatuses map[int]string
	nextID        int64
	nextConvID    int64
	window        time.Time // start of the current rate-limit minute (hour with PerHour)
	used          int       // credits charged in the window
	listWindow    time.Time // start of the current listing minute
	listed        int       // listings in listWindow
	credits       int       // credits charged in all
}

type fdVersion struct {
	at time.Time
	t  FDTicket
}

// NewFreshdesk returns an empty FreshDesk account.
func NewFreshdesk(o FreshdeskOptions) *Freshdesk {
	if o.RateLimit == 0 && o.PerHour {
		o.RateLimit = 3000
	} else if o.RateLimit == 0 {
		o.RateLimit = 700
	}
	if o.ListLimit == 0 {
		o.ListLimit = 200
	}
	if o.Clock == nil {
		o.Clock = clock.MustSystem()
	}
	f := &Freshdesk{
		opts: o, clock: o.Clock, ledger: &Ledger{},
		tickets: map[int64]*FDTicket{}, history: map[int64][]fdVersion{},
		conversations: map[int64]*FDConversation{}, contacts: map[int64]*FDContact{},
		companies: map[int64]*FDCompany{}, groups: map[int64]*FDGroup{},
		extraStatuses: map[int]string{}, nextID: 1, nextConvID: 1,
	}
	for id, name := range o.ExtraStatuses {
		f.extraStatuses[id] = name
	}
	mux := http.NewServeMux()
	f.routes(mux)
	f.door = &frontDoor{mux: mux, ledger: f.ledger, faults: o.Faults, clock: o.Clock, faultBody: fdFaultBody}
	return f
}

// ServeHTTP serves the API under /api/v2/.
func (f *Freshdesk) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.door.ServeHTTP(w, r) }

// Ledger returns the emulator's request accounting.
func (f *Freshdesk) Ledger() *Ledger { return f.ledger }

// Credits returns the rate-limit credits charged since the account was
// made: what X-RateLimit-Used-CurrentRequest said, summed (a refused
// request costs none).
func (f *Freshdesk) Credits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.credits
}

// AddTicket stores t (ID assigned when zero; timestamps default to now) and
// returns its id.
func (f *Freshdesk) AddTicket(t FDTicket) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now().UTC()
	if t.ID == 0 {
		t.ID = f.nextID
	}
	f.nextID = max(f.nextID, t.ID+1)
	if t.Status == 0 {
		t.Status = StatusOpen
	}
	if t.Priority == 0 {
		t.Priority = PriorityLow
	}
	if t.Source == 0 {
		t.Source = 2
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	if t.DueBy.IsZero() {
		t.DueBy = t.CreatedAt.Add(72 * time.Hour)
	}
	if t.FrDueBy.IsZero() {
		t.FrDueBy = t.CreatedAt.Add(24 * time.Hour)
	}
	t.Tags = slices.Clone(t.Tags)
	if t.Tags == nil {
		t.Tags = []string{}
	}
	f.tickets[t.ID] = &t
	f.snapshot(&t)
	return t.ID
}

// snapshot records the ticket's state for the search index; f.mu is held.
func (f *Freshdesk) snapshot(t *FDTicket) {
	c := *t
	c.Tags = slices.Clone(t.Tags)
	f.history[t.ID] = append(f.history[t.ID], fdVersion{at: f.clock.Now(), t: c})
}

// Ticket returns a copy of the ticket with id.
func (f *Freshdesk) Ticket(id int64) (FDTicket, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tickets[id]
	if !ok {
		return FDTicket{}, false
	}
	c := *t
	c.Tags = slices.Clone(t.Tags)
	return c, true
}

// Tickets returns a copy of every ticket, by id.
func (f *Freshdesk) Tickets() []FDTicket {
	f.mu.Lock()
	ids := make([]int64, 0, len(f.tickets))
	for id := range f.tickets {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	slices.Sort(ids)
	out := make([]FDTicket, 0, len(ids))
	for _, id := range ids {
		t, _ := f.Ticket(id)
		out = append(out, t)
	}
	return out
}

// Conversations returns a copy of a ticket's conversations, oldest first.
func (f *Freshdesk) Conversations(ticketID int64) []FDConversation {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tickets[ticketID]
	if !ok {
		return nil
	}
	out := make([]FDConversation, 0, len(t.conversationIDs))
	for _, id := range t.conversationIDs {
		out = append(out, *f.conversations[id])
	}
	return out
}

// AddContact stores a requester.
func (f *Freshdesk) AddContact(c FDContact) {
	f.mu.Lock()
	f.contacts[c.ID] = &c
	f.mu.Unlock()
}

// AddCompany stores a company.
func (f *Freshdesk) AddCompany(c FDCompany) {
	f.mu.Lock()
	f.companies[c.ID] = &c
	f.mu.Unlock()
}

// AddGroup stores an agent group.
func (f *Freshdesk) AddGroup(g FDGroup) {
	f.mu.Lock()
	g.AgentIDs = slices.Clone(g.AgentIDs)
	f.groups[g.ID] = &g
	f.mu.Unlock()
}

// Group returns a copy of the group with id.
func (f *Freshdesk) Group(id int64) (FDGroup, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[id]
	if !ok {
		return FDGroup{}, false
	}
	c := *g
	c.AgentIDs = slices.Clone(g.AgentIDs)
	return c, true
}

// AddStatus defines an account's own status (FreshDesk gives them ids from
// 6), which GET /ticket_fields then lists among the status field's choices.
func (f *Freshdesk) AddStatus(id int, name string) {
	f.mu.Lock()
	f.extraStatuses[id] = name
	f.mu.Unlock()
}

// AddField defines a custom ticket field.
func (f *Freshdesk) AddField(fd FDField) {
	f.mu.Lock()
	f.fields = append(f.fields, fd)
	f.mu.Unlock()
}

// CustomerReply adds a message from the requester, which reopens a resolved,
// closed or pending ticket, as FreshDesk does.
func (f *Freshdesk) CustomerReply(ticketID int64, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tickets[ticketID]
	if !ok {
		return
	}
	now := f.clock.Now().UTC()
	f.addConversation(t, FDConversation{Body: body, Incoming: true, UserID: t.RequesterID, Source: 0})
	t.Stats.RequesterRespondedAt = now
	if t.Status != StatusOpen {
		if t.Status == StatusResolved || t.Status == StatusClosed {
			t.Stats.ReopenedAt = now
		}
		t.Status = StatusOpen
		t.Stats.StatusUpdatedAt = now
	}
	t.UpdatedAt = now
	f.snapshot(t)
}

// AgentReply is a public reply an agent writes in FreshDesk's UI, now:
// the ticket's first and latest agent response as FreshDesk's stats keep
// them.
func (f *Freshdesk) AgentReply(ticketID int64, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tickets[ticketID]
	if !ok {
		return
	}
	now := f.clock.Now().UTC()
	f.addConversation(t, FDConversation{Body: body, UserID: f.opts.AgentID, Source: 0})
	if t.Stats.FirstRespondedAt.IsZero() {
		t.Stats.FirstRespondedAt = now
	}
	t.Stats.AgentRespondedAt = now
	t.UpdatedAt = now
	f.snapshot(t)
}

// AgentUpdate changes a ticket as an agent in FreshDesk's UI would.
func (f *Freshdesk) AgentUpdate(ticketID int64, change func(*FDTicket)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tickets[ticketID]
	if !ok {
		return
	}
	before := t.Status
	change(t)
	now := f.clock.Now().UTC()
	if t.Status != before {
		f.statusChanged(t, before, now)
	}
	t.UpdatedAt = now
	f.snapshot(t)
}

// statusChanged updates stats for a status change; f.mu is held.
func (f *Freshdesk) statusChanged(t *FDTicket, before int, now time.Time) {
	t.Stats.StatusUpdatedAt = now
	switch t.Status {
	case StatusResolved:
		t.Stats.ResolvedAt = now
	case StatusClosed:
		t.Stats.ClosedAt = now
		if t.Stats.ResolvedAt.IsZero() {
			t.Stats.ResolvedAt = now
		}
	case StatusPending:
		t.Stats.PendingSince = now
	}
	if (before == StatusResolved || before == StatusClosed) && t.Status != StatusResolved && t.Status != StatusClosed {
		t.Stats.ReopenedAt = now
	}
}

// addConversation appends a conversation to t; f.mu is held.
func (f *Freshdesk) addConversation(t *FDTicket, c FDConversation) *FDConversation {
	now := f.clock.Now().UTC()
	c.ID = f.nextConvID
	f.nextConvID++
	c.TicketID = t.ID
	c.CreatedAt, c.UpdatedAt = now, now
	f.conversations[c.ID] = &c
	t.conversationIDs = append(t.conversationIDs, c.ID)
	return &c
}

var tags = regexp.MustCompile(`<[^>]*>`)

// bodyText is FreshDesk's body_text: the HTML without its tags.
func bodyText(html string) string {
	return strings.TrimSpace(strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&#39;", "'").Replace(tags.ReplaceAllString(html, " ")))
}

// HasTag reports whether the ticket carries tag, ignoring case.
func (t FDTicket) HasTag(tag string) bool {
	for _, x := range t.Tags {
		if strings.EqualFold(x, tag) {
			return true
		}
	}
	return false
}
