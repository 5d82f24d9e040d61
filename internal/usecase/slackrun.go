package usecase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/workdays"
)

// SupportIssueReader is what the Slack part reads of the support issues:
// each ticket's issue (found by the hidden marker in its body) and who was
// asked to take it. internal/gh.SupportIssues is one.
type SupportIssueReader interface {
	List(ctx context.Context) ([]port.SupportIssue, error)
	Assignments(ctx context.Context, number int) ([]port.Assignment, error)
}

// SlackRun is Slack's part of a scheduled run, for one roster: the
// stewards' user group, the day's handoff and event messages, and a thread
// per ticket that changed. Each piece is done once however many runs there
// are, and a run with nothing new makes no Slack request.
type SlackRun struct {
	Roster  *roster.Roster
	Chat    port.Chat
	Journal port.Journal
	// Tickets and Notes are the helpdesk; without it (nil), there are no
	// ticket threads and the user group and announcements go on.
	Tickets port.Tickets
	Notes   port.TicketNotes
	// Issues is optional: without it, threads are told nothing of issues.
	Issues SupportIssueReader
	// TicketURL is the agents' page of a ticket.
	TicketURL func(id int64) string
	// RotationPR, optional, returns the pull request that confirmed a
	// handoff's shifts.
	RotationPR func(handoff civil.Date) comms.Link
	// Window is how far back changed tickets are read (default 24 hours);
	// runs are expected at least once a window.
	Window time.Duration
	// LapseLookback is how far back open tickets are read for a response
	// target that passed since the last window without the ticket changing
	// (default 14 days): the lapse is told though nothing changed.
	LapseLookback time.Duration
	Log           *slog.Logger
}

// SlackResult is what a Slack run did, for the run's summary.
type SlackResult struct {
	// Group is the stewards' user group's result (nil: not configured).
	Group *GroupResult `json:"group,omitempty"`
	// Announced counts the handoff and event messages sent.
	Announced int `json:"announced"`
	// Tickets counts the changed tickets looked at; Opened the threads
	// this run opened; Told the replies it sent.
	Tickets int `json:"tickets"`
	Opened  int `json:"threads_opened"`
	Told    int `json:"replies"`
	// Notices are things people should know that are not failures.
	Notices []string `json:"notices,omitempty"`
}

// Message says what the run did in one line.
func (r SlackResult) Message() string {
	s := fmt.Sprintf("%d ticket(s) looked at, %d thread(s) opened, %d reply(ies), %d announcement(s)", r.Tickets, r.Opened, r.Told, r.Announced)
	if r.Group != nil {
		switch {
		case r.Group.Off:
			s += "; the stewards' user group is off"
		case r.Group.Changed:
			s += "; the stewards' user group was set"
		}
	}
	if len(r.Notices) > 0 {
		s += "; " + strings.Join(r.Notices, "; ")
	}
	return s
}

// Run does Slack's part of a run at now. A failed piece does not stop the
// others; the errors are joined.
func (s *SlackRun) Run(ctx context.Context, now time.Time) (SlackResult, error) {
	var res SlackResult
	cfg := s.Roster.Integrations.Slack
	if cfg == nil {
		return res, errors.New("roster.yaml has no integrations.slack")
	}
	today := s.Roster.Today(now)
	cal := workdays.New(s.Roster.Location(), s.Roster.Holidays)
	status := rotation.Who(s.Roster, today)
	onDuty := s.people(status.OnDuty)
	issues := &issueCache{r: s.Issues}
	notes := &memoNotes{TicketNotes: s.Notes}
	var errs []error

	if cfg.StewardsUsergroup != "" {
		g, err := s.syncGroup(ctx, cfg.StewardsUsergroup, onDuty)
		res.Group = &g
		if g.Notice != "" {
			res.Notices = append(res.Notices, g.Notice)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}

	an := &Announcer{Chat: s.Chat, Journal: s.Journal, TicketsChannel: cfg.TicketsChannel, GeneralChannel: cfg.GeneralChannel,
		Workdays: cal, Log: s.Log}
	day := s.day(ctx, today, onDuty, issues, &errs)
	sent, err := an.Run(ctx, day)
	res.Announced = sent
	if err != nil {
		errs = append(errs, fmt.Errorf("announcing: %w", err))
	}

	if s.Tickets == nil || s.Notes == nil {
		res.Notices = append(res.Notices, "no helpdesk configured: no ticket threads")
		return res, errors.Join(errs...)
	}
	th := &Threads{Chat: s.Chat, Notes: notes, Channel: cfg.TicketsChannel, Tags: cfg.ThreadTags(), Location: s.Roster.Location(), Log: s.Log}
	if err := s.threads(ctx, now, cal, th, onDuty, issues, notes, &res); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// syncGroup keeps the stewards' user group equal to the stewards on duty.
// What it last set is in the journal, so a run whose stewards have not
// changed makes no Slack request; a group edited by hand in Slack is set
// right at the next change of stewards.
func (s *SlackRun) syncGroup(ctx context.Context, group string, onDuty []comms.Person) (GroupResult, error) {
	var ids []string
	for _, p := range onDuty {
		if p.Slack != "" {
			ids = append(ids, p.Slack)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	want := strings.Join(ids, ",")
	key := "slack:usergroup:" + group
	entries, err := s.Journal.Entries(ctx, key)
	if err != nil {
		return GroupResult{}, fmt.Errorf("the stewards' user group %s: reading the journal: %w", group, err)
	}
	if n := len(entries); n > 0 && (entries[n-1] == want || entries[n-1] == "off "+want) {
		res := GroupResult{Off: entries[n-1] != want}
		if res.Off {
			res.Notice = GroupOffNotice
		}
		return res, nil
	}
	res, err := StewardsGroup{Chat: s.Chat, Group: group}.Sync(ctx, onDuty)
	if err != nil || len(ids) == 0 {
		return res, err
	}
	entry := want
	if res.Off {
		entry = "off " + want
	}
	if err := s.Journal.Add(ctx, key, entry); err != nil {
		// Set but not recorded: the next run checks the group again.
		return res, fmt.Errorf("the stewards' user group %s: recording it: %w", group, err)
	}
	return res, nil
}

// day gathers what the day's announcements are made of. The hubs' open
// tickets are read only when an event notice needs them.
func (s *SlackRun) day(ctx context.Context, today civil.Date, onDuty []comms.Person, issues *issueCache, errs *[]error) Day {
	sched := rotation.Compute(s.Roster, today.AddDays(-62), today.AddDays(1))
	d := Day{Date: today, OnDuty: onDuty, RotationPR: s.RotationPR}
	for _, sh := range sched.Shifts {
		d.Shifts = append(d.Shifts, comms.Shift{Who: s.person(sh.GitHub, sh.Name), Start: sh.Start, End: sh.End})
	}
	for _, e := range s.Roster.Events {
		d.Events = append(d.Events, comms.Event{Name: e.Name, Hub: e.Hub, From: e.From, To: e.To})
	}
	d.OpenTickets = func(hub string) []comms.Ticket {
		list, err := issues.list(ctx)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("the open tickets of %s: %w", hub, err))
			return nil
		}
		ev := roster.Event{Hub: hub}
		var out []comms.Ticket
		for _, is := range list {
			id, st, ok := mirror.TicketOf(is.Body)
			if !ok || !is.Open || st.Status == 4 || st.Status == 5 || !ev.ForHub(st.Hub) {
				continue
			}
			out = append(out, comms.Ticket{ID: id, URL: s.ticketURL(id), Subject: st.Subject, Priority: priorityName(st.Priority), Hub: st.Hub})
		}
		slices.SortFunc(out, func(a, b comms.Ticket) int { return int(a.ID - b.ID) })
		return out
	}
	return d
}

// threads brings the thread of each ticket changed in the window up to
// date. Nothing changed: no request beyond the helpdesk's list.
func (s *SlackRun) threads(ctx context.Context, now time.Time, cal *workdays.Calendar, th *Threads, onDuty []comms.Person,
	issues *issueCache, notes *memoNotes, res *SlackResult) error {
	window := s.Window
	if window <= 0 {
		window = 24 * time.Hour
	}
	lookback := max(s.LapseLookback, window)
	if s.LapseLookback <= 0 {
		lookback = max(14*24*time.Hour, window)
	}
	listed, err := s.Tickets.Changed(ctx, now.Add(-lookback), false)
	if err != nil {
		return fmt.Errorf("reading the tickets changed since %s: %w", now.Add(-lookback).Format(time.RFC3339), err)
	}
	policy := sla.Policy{FirstResponse: s.Roster.SLA.FirstResponseDays(), UpdateEvery: s.Roster.SLA.UpdateEveryDays()}
	// The tickets that changed in the window, and those whose response
	// target passed in it: nothing else can have news for its thread.
	var changed []port.Ticket
	for _, t := range listed {
		tg := sla.Evaluate(slaTicket(t), policy, cal, now)
		if !t.Updated.Before(now.Add(-window)) || tg.State == sla.Overdue && tg.Due.After(now.Add(-window)) {
			changed = append(changed, t)
		}
	}
	res.Tickets = len(changed)
	if len(changed) == 0 {
		return nil
	}
	byTicket := map[int64]port.SupportIssue{}
	hubs := map[int64]string{}
	if s.Issues != nil {
		list, err := issues.list(ctx)
		if err != nil {
			return err
		}
		for _, is := range list {
			id, st, ok := mirror.TicketOf(is.Body)
			if !ok {
				continue
			}
			// One issue per ticket; were there two, the first opened is it.
			if prev, seen := byTicket[id]; !seen || is.Number < prev.Number {
				byTicket[id], hubs[id] = is, st.Hub
			}
		}
	}
	var errs []error
	for _, t := range changed {
		l, err := s.life(ctx, t, now, cal, policy, onDuty, byTicket, hubs[t.ID], notes)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r, err := th.Sync(ctx, l)
		if r.Posted {
			res.Opened++
		}
		res.Told += r.Told
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// life builds what a ticket's thread should have been told by now.
func (s *SlackRun) life(ctx context.Context, t port.Ticket, now time.Time, cal *workdays.Calendar, policy sla.Policy,
	onDuty []comms.Person, byTicket map[int64]port.SupportIssue, hub string, notes *memoNotes) (TicketLife, error) {
	closed := t.Status == 4 || t.Status == 5
	l := TicketLife{
		Ticket:   comms.Ticket{ID: t.ID, URL: s.ticketURL(t.ID), Subject: t.Subject, Priority: priorityName(t.Priority), Hub: hub},
		Tags:     t.Tags,
		Stewards: onDuty,
		Closed:   closed,
	}
	if is, ok := byTicket[t.ID]; ok {
		l.Issue = comms.Link{URL: is.URL, Label: s.issueLabel(is.Number)}
		l.IssueOpenedAt = is.Created
		if len(is.Assignees) > 0 && s.Issues != nil {
			as, err := s.Issues.Assignments(ctx, is.Number)
			if err != nil {
				return l, fmt.Errorf("ticket %d: %w", t.ID, err)
			}
			for _, a := range as {
				l.Asked = append(l.Asked, Ask{Who: s.person(a.Login, a.Login), At: a.At})
			}
		}
	}
	tg := sla.Evaluate(slaTicket(t), policy, cal, now)
	if tg.State == sla.Overdue {
		switch tg.Kind {
		case sla.FirstResponse:
			l.FirstResponseMissed = tg.Due
		case sla.Update:
			l.UpdateDue, l.LastUpdate = tg.Due, tg.Since
		}
	}
	l.ReopenedAt = t.ReopenedAt
	if closed {
		l.ResolvedAt = t.ResolvedAt
		if l.ResolvedAt.IsZero() {
			l.ResolvedAt = t.Updated
		}
		// The summary is the private note the mirror leaves on resolving;
		// the notes are read once a run for the thread anyway.
		ns, err := notes.Notes(ctx, t.ID)
		if err != nil {
			return l, fmt.Errorf("ticket %d: reading its notes: %w", t.ID, err)
		}
		for i := len(ns) - 1; i >= 0; i-- {
			if strings.HasPrefix(strings.TrimSpace(ns[i].Text), "Resolved:") {
				l.Summary = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ns[i].Text), "Resolved:"))
				break
			}
		}
	}
	return l, nil
}

// people names the stewards on duty with their Slack ids from the roster.
func (s *SlackRun) people(shifts []rotation.Shift) []comms.Person {
	out := make([]comms.Person, 0, len(shifts))
	for _, sh := range shifts {
		out = append(out, s.person(sh.GitHub, sh.Name))
	}
	return out
}

// person is an engineer of the roster by GitHub handle; someone not in the
// roster is named by the fallback.
func (s *SlackRun) person(handle, fallback string) comms.Person {
	if e, ok := s.Roster.Engineer(handle); ok {
		return comms.Person{Name: e.Name, Slack: e.Slack}
	}
	return comms.Person{Name: fallback}
}

func (s *SlackRun) ticketURL(id int64) string {
	if s.TicketURL == nil {
		return ""
	}
	return s.TicketURL(id)
}

func (s *SlackRun) issueLabel(n int) string {
	if ig := s.Roster.Integrations.GitHub; ig != nil && ig.Repo != "" {
		return fmt.Sprintf("%s#%d", ig.Repo, n)
	}
	return fmt.Sprintf("#%d", n)
}

// priorityName names FreshDesk's priorities as the team says them.
func priorityName(p int) string {
	switch p {
	case 1:
		return "Low"
	case 2:
		return "Medium"
	case 3:
		return "High"
	case 4:
		return "Urgent"
	}
	return ""
}

// issueCache lists the support issues at most once a run, when needed.
type issueCache struct {
	r    SupportIssueReader
	once sync.Once
	all  []port.SupportIssue
	err  error
}

func (c *issueCache) list(ctx context.Context) ([]port.SupportIssue, error) {
	if c.r == nil {
		return nil, nil
	}
	c.once.Do(func() {
		c.all, c.err = c.r.List(ctx)
		if c.err != nil {
			c.err = fmt.Errorf("reading the support issues: %w", c.err)
		}
	})
	return c.all, c.err
}

// memoNotes reads a ticket's notes once a run until a note is added, so
// building a ticket's life and syncing its thread share one read.
type memoNotes struct {
	port.TicketNotes
	mu   sync.Mutex
	read map[int64][]port.Note
}

func (m *memoNotes) Notes(ctx context.Context, ticket int64) ([]port.Note, error) {
	m.mu.Lock()
	if ns, ok := m.read[ticket]; ok {
		m.mu.Unlock()
		return slices.Clone(ns), nil
	}
	m.mu.Unlock()
	ns, err := m.TicketNotes.Notes(ctx, ticket)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.read == nil {
		m.read = map[int64][]port.Note{}
	}
	m.read[ticket] = ns
	m.mu.Unlock()
	return slices.Clone(ns), nil
}

func (m *memoNotes) AddNote(ctx context.Context, ticket int64, text string) error {
	m.mu.Lock()
	delete(m.read, ticket)
	m.mu.Unlock()
	return m.TicketNotes.AddNote(ctx, ticket, text)
}
