package run_test

// The world of the model-based test (model_test.go): the sandboxes wired to
// steward as a deployment would be, what a person does in them, what
// GitHub and FreshDesk deliver for it, the three ways steward reconciles,
// and what the invariants read back.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/run"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/wire"
)

// t0 is Wednesday 2026-11-04, 09:00 in Los Angeles: a fixed moment, so the
// model never depends on the day it runs. Each world's clock starts here,
// and the board's iterations are laid out around it.
var t0 = time.Date(2026, 11, 4, 17, 0, 0, 0, time.UTC)

const (
	owner, repoName = "acme", "support"
	repoFull        = owner + "/" + repoName
	projectNumber   = 7
	fdDomain        = "acme.freshdesk.com" // what markers name
	// person is the human who works on GitHub: a steward or an engineer
	// using github.com, never steward's bot.
	person = "pat"
	bot    = "steward-bot"
)

// engineers are the roster's engineers: people assign them, routing asks them.
var engineers = []string{"ada", "bob", "cy"}

const modelRoster = `version: 1
team: Support
timezone: America/Los_Angeles
support: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
  - {name: Cy, github: cy}
integrations:
  github: {repo: acme/support, project: {owner: acme, number: 7}}
  freshdesk: {domain: acme, tags: [engineering]}
`

// priorities are FreshDesk's, 1 Low .. 4 Urgent, by name.
var priorities = map[int]string{1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}

// statuses are FreshDesk's ticket statuses the model uses, by name.
var statuses = map[int]string{2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}

func done(status int) bool { return status == 4 || status == 5 }

func priorityLabel(name string) string { return "priority: " + strings.ToLower(name) }

// world is one deployment: GitHub and FreshDesk sandboxes on one manual
// clock, steward's roster, and what the model needs to remember of what
// people did (which issue a hand-made key names, what must never reach
// GitHub).
type world struct {
	t testing.TB
	// racing is the at-once mode's: separate processes reconcile at once.
	racing     bool
	clock      *sandbox.ManualClock
	gh         *sandbox.GitHub
	fd         *sandbox.Freshdesk
	roster     *roster.Roster
	env        wire.Env
	iterations []sandbox.ProjectIteration
	// hands maps a hand-made issue's key (its first title) to its number.
	hands map[string]int
	// others are the sprint's other board items: issue number -> title.
	others map[int]string
	// secrets is requester data: none of it may reach GitHub.
	secrets []string
}

// newWorld makes a world at t0: an empty support repository with two
// other sprint items on its board, an empty FreshDesk with two companies.
//
// With keep, every process keeps what it read in one STEWARD_CACHE_DIR
// (the kept issue list, the board's id, the sync mark), as deployments
// do; without, each starts from nothing.
func newWorld(t testing.TB, keep bool) *world {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(modelRoster))
	if r == nil {
		t.Fatalf("roster: %v", probs)
	}
	clock := sandbox.NewManualClock(t0)
	tokens := map[string]string{"steward-token": bot, "pat-token": person}
	gh := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: tokens, Clock: clock,
		RateLimit: 1_000_000, ContentPerMinute: 1_000_000, ContentPerHour: 1_000_000})
	gh.AddRepo(owner, repoName, "main", map[string]string{"roster.yaml": modelRoster})
	for _, u := range append([]string{person}, engineers...) {
		gh.AddUser(u)
	}
	w := &world{t: t, clock: clock, gh: gh, roster: r, iterations: iterationsAround(t0, r.Location()),
		hands: map[string]int{}, others: map[int]string{}}
	gh.AddProject(owner, projectNumber, "Sprint board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: w.iterations})
	w.fd = sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "fd-key", AgentID: 501, Clock: clock,
		RateLimit: 1_000_000, ListLimit: 1_000_000})
	w.fd.AddCompany(sandbox.FDCompany{ID: 1, Name: "Example Hub"})
	w.fd.AddCompany(sandbox.FDCompany{ID: 2, Name: "Uni Bootcamp"})
	vars := map[string]string{"GITHUB_API_URL": "https://api.github.sandbox/", "GITHUB_TOKEN": "steward-token",
		"FRESHDESK_API_KEY": "fd-key", "FRESHDESK_BASE_URL": "https://acme.freshdesk.sandbox"}
	if keep {
		vars["STEWARD_CACHE_DIR"] = t.TempDir()
	}
	w.env = wire.Env{Getenv: func(k string) string { return vars[k] }, Now: clock.Now, Clock: clock,
		Transport: sandbox.Transport{Handler: byHost{github: gh, freshdesk: w.fd}}}
	w.addOtherItem("Upgrade the cluster to Kubernetes 1.31")
	w.addOtherItem("Write the runbook for restores")
	return w
}

// iterationsAround lays out three two-week iterations: the one before, the
// one holding t (started three days before it), and the next.
func iterationsAround(t time.Time, loc *time.Location) []sandbox.ProjectIteration {
	d := t.In(loc)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -3-14)
	var out []sandbox.ProjectIteration
	for i := range 3 {
		out = append(out, sandbox.ProjectIteration{Title: fmt.Sprintf("Sprint %d", 41+i),
			StartDate: start.AddDate(0, 0, 14*i).Format(time.DateOnly), Duration: 14})
	}
	return out
}

// currentIteration is the title of the iteration holding the clock's today
// in the team's time zone.
func (w *world) currentIteration() string {
	d := w.clock.Now().In(w.roster.Location())
	today := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	for _, it := range w.iterations {
		start, _ := time.Parse(time.DateOnly, it.StartDate)
		if !today.Before(start) && today.Before(start.AddDate(0, 0, it.Duration)) {
			return it.Title
		}
	}
	return ""
}

// byHost sends FreshDesk's requests to its sandbox and the rest to
// GitHub's, so one transport serves both clients.
type byHost struct{ github, freshdesk http.Handler }

func (b byHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Hostname(), ".freshdesk.sandbox") || strings.HasSuffix(r.Host, ".freshdesk.sandbox") {
		b.freshdesk.ServeHTTP(w, r)
		return
	}
	b.github.ServeHTTP(w, r)
}

// connect makes steward's clients as of the clock's now, as every run and
// every delivery does.
func (w *world) connect() wire.Clients {
	w.t.Helper()
	c := wire.Connect(w.env, w.roster)
	if c.GHErr != nil || c.FDErr != nil {
		w.t.Fatalf("connect: %v %v", c.GHErr, c.FDErr)
	}
	return c
}

// --- What people do --------------------------------------------------------

// api makes a request to GitHub as the person, for what the sandbox has no
// helper for (labels, the board).
func (w *world) api(method, path string, body any) []byte {
	w.t.Helper()
	var payload []byte
	if body != nil {
		payload, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, "https://api.github.sandbox"+path, bytes.NewReader(payload))
	req.Header.Set("Authorization", "token pat-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: sandbox.Transport{Handler: w.gh}}).Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	if resp.StatusCode >= 300 {
		w.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, out.String())
	}
	return out.Bytes()
}

// graphql runs a GraphQL document as the person and returns its data.
func (w *world) graphql(query string, vars map[string]any) map[string]any {
	w.t.Helper()
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(w.api("POST", "/graphql", map[string]any{"query": query, "variables": vars}), &out); err != nil || len(out.Errors) > 0 {
		w.t.Fatalf("graphql: %v %v", err, out.Errors)
	}
	return out.Data
}

// addOtherItem puts an issue that is not support work on the board, as the
// sprint's other backlog: support work goes above it.
func (w *world) addOtherItem(title string) {
	n := w.gh.CreateIssue(owner, repoName, person, title, "Sprint work.")
	ids := w.graphql(fmt.Sprintf(`query { organization(login: %q) { projectV2(number: %d) { id } } repository(owner: %q, name: %q) { issue(number: %d) { id } } }`,
		owner, projectNumber, owner, repoName, n), nil)
	project := ids["organization"].(map[string]any)["projectV2"].(map[string]any)["id"]
	issue := ids["repository"].(map[string]any)["issue"].(map[string]any)["id"]
	w.graphql(`mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } }`,
		map[string]any{"p": project, "c": issue})
	w.others[n] = title
}

// removeLabel and addLabel change an issue's labels as the person.
func (w *world) removeLabel(number int, label string) {
	w.api("DELETE", fmt.Sprintf("/repos/%s/issues/%d/labels/%s", repoFull, number, url.PathEscape(label)), nil)
}

func (w *world) addLabel(number int, label string) {
	w.api("POST", fmt.Sprintf("/repos/%s/issues/%d/labels", repoFull, number), map[string]any{"labels": []string{label}})
}

// requester is who asked, and what they wrote: none of it may reach GitHub.
type requester struct {
	name, email, phone, description string
}

// addTicket stores a new ticket and its requester in FreshDesk, as the
// requester writing in would, and remembers the requester's data.
func (w *world) addTicket(c newTicket) {
	contact := 9000 + c.id
	w.fd.AddContact(sandbox.FDContact{ID: contact, Name: c.requester.name, Email: c.requester.email, Phone: c.requester.phone})
	w.fd.AddTicket(sandbox.FDTicket{ID: c.id, Subject: c.subject, Description: "<p>" + c.requester.description + "</p>",
		Status: c.status, Priority: c.priority, Tags: c.tags, RequesterID: contact, CompanyID: c.company})
	w.secrets = append(w.secrets, c.requester.name, c.requester.email, c.requester.phone, c.requester.description)
}

// --- What GitHub and FreshDesk deliver ---------------------------------------

// delivery is one webhook delivery: a GitHub issues event, or FreshDesk's
// automation rule naming a ticket.
type delivery struct {
	ticket int64 // FreshDesk's; 0 for a GitHub event
	env    run.Envelope
}

func (d delivery) String() string {
	if d.ticket != 0 {
		return fmt.Sprintf("ticket %d", d.ticket)
	}
	s := fmt.Sprintf("%s #%d", d.env.Action, d.env.Issue.Number)
	if d.env.Label != nil {
		s += fmt.Sprintf(" %q", d.env.Label.Name)
	}
	if d.env.Assignee != nil {
		s += " @" + d.env.Assignee.Login
	}
	return s
}

func ticketDelivery(id int64) []delivery { return []delivery{{ticket: id}} }

// issueEvent is the issues event GitHub sends for a change just made:
// the issue as it is now, who did it, and the label or assignee it is about.
func (w *world) issueEvent(action string, number int, sender string, extra map[string]any) delivery {
	is, _ := w.issue(number)
	labels := []map[string]string{}
	for _, l := range is.Labels {
		labels = append(labels, map[string]string{"name": l})
	}
	assignees := []map[string]string{}
	for _, a := range is.Assignees {
		assignees = append(assignees, map[string]string{"login": a})
	}
	payload := map[string]any{"action": action,
		"issue":      map[string]any{"number": number, "labels": labels, "assignees": assignees, "state": is.State},
		"sender":     map[string]any{"login": sender},
		"repository": map[string]any{"full_name": repoFull}}
	for k, v := range extra {
		payload[k] = v
	}
	b, _ := json.Marshal(payload)
	var env run.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		w.t.Fatalf("envelope: %v", err)
	}
	return delivery{env: env}
}

// perturb is what the network does to a step's deliveries: some are
// repeated, their order is shuffled, and with lose > 0 some never arrive.
// It returns what arrives and what was lost.
func perturb(ds []delivery, rng *rand.Rand, lose float64) (arrived, lost []delivery) {
	for _, d := range ds {
		if rng.Float64() < lose {
			lost = append(lost, d)
			continue
		}
		arrived = append(arrived, d)
		if rng.IntN(4) == 0 {
			arrived = append(arrived, d)
		}
	}
	rng.Shuffle(len(arrived), func(i, j int) { arrived[i], arrived[j] = arrived[j], arrived[i] })
	return arrived, lost
}

// --- How steward reconciles ---------------------------------------------------

// deliver hands each delivery to the event path with clients made for it,
// as the webhook server does, and returns the errors.
func (w *world) deliver(ds []delivery) []string {
	var errs []string
	for _, d := range ds {
		c := w.connect()
		var err error
		if d.ticket != 0 {
			_, err = run.HandleTicket(context.Background(), c, d.ticket)
		} else {
			_, err = run.HandleEvent(context.Background(), c, "issues", d.env)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("delivery %s: %v", d, err))
		}
	}
	return errs
}

// scheduled is the scheduled run's sync, and its errors.
func (w *world) scheduled() []string {
	rep := run.Run(context.Background(), w.connect(), run.Options{Only: []string{"sync"}, Since: time.Hour})
	var errs []string
	for _, p := range rep.Parts {
		if p.Error != "" {
			errs = append(errs, fmt.Sprintf("scheduled %s: %s", p.Name, p.Error))
		}
	}
	return errs
}

// writes returns the writes the sandboxes received while do ran: REST
// requests other than GET and HEAD, and GraphQL mutations.
func (w *world) writes(do func()) []string {
	g0, f0 := w.gh.Ledger().Len(), w.fd.Ledger().Len()
	do()
	count := map[string]int{}
	for _, r := range w.gh.Ledger().Requests()[g0:] {
		if k, ok := writeKind(r); ok {
			count["GitHub "+k]++
		}
	}
	for _, r := range w.fd.Ledger().Requests()[f0:] {
		if k, ok := writeKind(r); ok {
			count["FreshDesk "+k]++
		}
	}
	var out []string
	for _, k := range sortedKeys(count) {
		out = append(out, fmt.Sprintf("%d× %s", count[k], k))
	}
	return out
}

var mutationRE = regexp.MustCompile(`^\s*mutation\b[^{]*\{\s*(?:\w+\s*:\s*)?(\w+)`)

// writeKind names a write, and reports whether r is one.
func writeKind(r sandbox.Request) (string, bool) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return "", false
	}
	if r.Path != "/graphql" {
		return r.Route, true
	}
	var doc struct{ Query string }
	json.Unmarshal(r.Body, &doc)
	if m := mutationRE.FindStringSubmatch(doc.Query); m != nil {
		return "GraphQL mutation " + m[1], true
	}
	return "", false
}

// --- What the invariants read -----------------------------------------------

// snapshot is the world as the invariants see it, read at one moment.
type snapshot struct {
	issues  map[int]sandbox.Issue
	board   []sandbox.ProjectItem
	tickets map[int64]sandbox.FDTicket
	convs   map[int64][]sandbox.FDConversation
	// mirrors maps a ticket to the issues whose marker names it (not
	// closed as duplicates), by number.
	mirrors map[int64][]int
}

func (w *world) snapshot() snapshot {
	s := snapshot{issues: map[int]sandbox.Issue{}, tickets: map[int64]sandbox.FDTicket{},
		convs: map[int64][]sandbox.FDConversation{}, mirrors: map[int64][]int{}}
	for _, is := range w.gh.Issues(owner, repoName) {
		s.issues[is.Number] = is
		if id, ok := markerTicket(is.Body); ok && is.StateReason != "duplicate" {
			s.mirrors[id] = append(s.mirrors[id], is.Number)
		}
	}
	s.board = w.gh.ProjectItems(owner, projectNumber)
	for _, t := range w.fd.Tickets() {
		s.tickets[t.ID] = t
		s.convs[t.ID] = w.fd.Conversations(t.ID)
	}
	return s
}

func (w *world) issue(number int) (sandbox.Issue, bool) {
	for _, is := range w.gh.Issues(owner, repoName) {
		if is.Number == number {
			return is, true
		}
	}
	return sandbox.Issue{}, false
}

// resolve finds the issue a change names: a ticket's mirror (the oldest
// that is not a duplicate), or a hand-made issue by its key.
func (w *world) resolve(tg target) (sandbox.Issue, bool) {
	if tg.hand != "" {
		n, ok := w.hands[tg.hand]
		if !ok {
			return sandbox.Issue{}, false
		}
		return w.issue(n)
	}
	ns := w.snapshot().mirrors[tg.ticket]
	if len(ns) == 0 {
		return sandbox.Issue{}, false
	}
	return w.issue(slices.Min(ns))
}

// markerRE finds steward's hidden marker in an issue body; its format is
// what steward stores on GitHub, so it is stable.
var markerRE = regexp.MustCompile(`<!-- steward:freshdesk (\{.*?\}) -->`)

// markerTicket returns the ticket a body's marker names, for this
// FreshDesk account.
func markerTicket(body string) (int64, bool) {
	m := markerRE.FindAllStringSubmatch(body, -1)
	if m == nil {
		return 0, false
	}
	var st struct {
		Domain string `json:"domain"`
		Ticket int64  `json:"ticket"`
	}
	if json.Unmarshal([]byte(m[len(m)-1][1]), &st) != nil || st.Ticket == 0 || !strings.EqualFold(st.Domain, fdDomain) {
		return 0, false
	}
	return st.Ticket, true
}

// linkNotes are the private notes on a ticket that link an issue, by the
// issue number each links (steward's stored link marker).
var linkRE = regexp.MustCompile(`<!-- steward:link issue=(\d+) -->`)

func linkNotes(convs []sandbox.FDConversation) []int {
	var out []int
	for _, c := range convs {
		if m := linkRE.FindStringSubmatch(c.Body); c.Private && m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
	}
	return out
}

func hasLabel(is sandbox.Issue, label string) bool {
	return slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, label) })
}

func isSupport(is sandbox.Issue) bool { return hasLabel(is, "support") && !is.IsPull }

// labelPriorities are the priority names an issue's `priority: x` labels give.
func labelPriorities(is sandbox.Issue) []string {
	var out []string
	for _, l := range is.Labels {
		if name, ok := strings.CutPrefix(strings.ToLower(l), "priority: "); ok {
			for p := 4; p >= 1; p-- {
				if strings.EqualFold(priorities[p], name) {
					out = append(out, priorities[p])
				}
			}
		}
	}
	return out
}

// wantPriority is the board Priority an issue's labels ask for: Medium
// without a priority label.
func wantPriority(is sandbox.Issue) string {
	if ps := labelPriorities(is); len(ps) > 0 {
		return ps[0]
	}
	return "Medium"
}

// issueOfItem is the issue number of a board item of the support repository.
func issueOfItem(it sandbox.ProjectItem) (int, bool) {
	n, ok := strings.CutPrefix(it.Issue, repoFull+"#")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}

// ticketOf returns the ticket whose mirror issue number is, if any.
func (s snapshot) ticketOf(number int) (int64, bool) {
	for id, ns := range s.mirrors {
		if slices.Contains(ns, number) {
			return id, true
		}
	}
	return 0, false
}

// stateOf says an issue's state with its reason.
func stateOf(is sandbox.Issue) string {
	if is.State == "closed" {
		return "closed (" + cmp.Or(is.StateReason, "?") + ")"
	}
	return "open"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// --- Changes: one thing a person does, on one side ---------------------------

// change is one thing a person does. apply does it in the world and
// returns what GitHub or FreshDesk delivers for it; ok is false when it
// does not apply in this world (its issue is missing or already in that
// state), and nothing was done.
type change interface {
	String() string
	apply(w *world) (ds []delivery, ok bool)
}

// target names an issue independently of numbers: a ticket's mirror, or a
// hand-made issue by its key (its first title, unique).
type target struct {
	ticket int64
	hand   string
}

func (tg target) String() string {
	if tg.hand != "" {
		return fmt.Sprintf("hand-made %q", tg.hand)
	}
	return fmt.Sprintf("ticket %d's issue", tg.ticket)
}

// FreshDesk side: an agent in FreshDesk's UI, or the requester.

type newTicket struct {
	id               int64
	subject          string
	status, priority int
	tags             []string
	company          int64
	requester        requester
}

func (c newTicket) String() string {
	return fmt.Sprintf("FreshDesk: new ticket %d %q, %s, %s, tags %v", c.id, c.subject, priorities[c.priority], statuses[c.status], c.tags)
}

func (c newTicket) apply(w *world) ([]delivery, bool) {
	w.addTicket(c)
	return ticketDelivery(c.id), true
}

// agentUpdate is an agent's edit of a ticket in FreshDesk.
type agentUpdate struct {
	id   int64
	what string
	edit func(*sandbox.FDTicket)
}

func (c agentUpdate) String() string { return fmt.Sprintf("FreshDesk: ticket %d %s", c.id, c.what) }

func (c agentUpdate) apply(w *world) ([]delivery, bool) {
	if _, ok := w.fd.Ticket(c.id); !ok {
		return nil, false
	}
	w.fd.AgentUpdate(c.id, c.edit)
	return ticketDelivery(c.id), true
}

// requesterReply is the requester writing back: FreshDesk reopens the ticket.
type requesterReply struct {
	id    int64
	token string
}

func (c requesterReply) String() string {
	return fmt.Sprintf("FreshDesk: the requester replies to ticket %d (reopens it)", c.id)
}

func (c requesterReply) apply(w *world) ([]delivery, bool) {
	if _, ok := w.fd.Ticket(c.id); !ok {
		return nil, false
	}
	w.secrets = append(w.secrets, c.token)
	w.fd.CustomerReply(c.id, "<p>Still broken for us: "+c.token+"</p>")
	return ticketDelivery(c.id), true
}

// GitHub side: a person on github.com.

type closeIssue struct {
	target target
	reason string // completed, not_planned
}

func (c closeIssue) String() string {
	return fmt.Sprintf("GitHub: %s closes %s as %s", person, c.target, strings.ReplaceAll(c.reason, "_", " "))
}

func (c closeIssue) apply(w *world) ([]delivery, bool) {
	is, ok := w.resolve(c.target)
	if !ok || is.State != "open" {
		return nil, false
	}
	w.gh.HumanUpdate(owner, repoName, is.Number, person, func(ch *sandbox.IssueChange) { ch.State, ch.StateReason = "closed", c.reason })
	return []delivery{w.issueEvent("closed", is.Number, person, nil)}, true
}

type reopenIssue struct{ target target }

func (c reopenIssue) String() string { return fmt.Sprintf("GitHub: %s reopens %s", person, c.target) }

func (c reopenIssue) apply(w *world) ([]delivery, bool) {
	is, ok := w.resolve(c.target)
	if !ok || is.State != "closed" {
		return nil, false
	}
	w.gh.HumanUpdate(owner, repoName, is.Number, person, func(ch *sandbox.IssueChange) { ch.State = "open" })
	return []delivery{w.issueEvent("reopened", is.Number, person, nil)}, true
}

// relabel takes off the issue's priority label and puts on another.
type relabel struct {
	target   target
	priority string
}

func (c relabel) String() string {
	return fmt.Sprintf("GitHub: %s relabels %s %q", person, c.target, priorityLabel(c.priority))
}

func (c relabel) apply(w *world) ([]delivery, bool) {
	is, ok := w.resolve(c.target)
	if !ok {
		return nil, false
	}
	var ds []delivery
	for _, l := range is.Labels {
		if strings.HasPrefix(strings.ToLower(l), "priority:") {
			w.removeLabel(is.Number, l)
			ds = append(ds, w.issueEvent("unlabeled", is.Number, person, map[string]any{"label": map[string]any{"name": l}}))
		}
	}
	w.addLabel(is.Number, priorityLabel(c.priority))
	return append(ds, w.issueEvent("labeled", is.Number, person, map[string]any{"label": map[string]any{"name": priorityLabel(c.priority)}})), true
}

type assign struct {
	target target
	who    string
}

func (c assign) String() string {
	return fmt.Sprintf("GitHub: %s assigns @%s to %s", person, c.who, c.target)
}

func (c assign) apply(w *world) ([]delivery, bool) {
	is, ok := w.resolve(c.target)
	if !ok || slices.Contains(is.Assignees, c.who) {
		return nil, false
	}
	w.gh.HumanUpdate(owner, repoName, is.Number, person, func(ch *sandbox.IssueChange) { ch.Assignees = append(ch.Assignees, c.who) })
	return []delivery{w.issueEvent("assigned", is.Number, person, map[string]any{"assignee": map[string]any{"login": c.who}})}, true
}

// unassign takes off the issue's first assignee: they let go themselves,
// or the person takes them off.
type unassign struct {
	target target
	self   bool
}

func (c unassign) String() string {
	if c.self {
		return fmt.Sprintf("GitHub: the assignee of %s unassigns themselves", c.target)
	}
	return fmt.Sprintf("GitHub: %s unassigns the assignee of %s", person, c.target)
}

func (c unassign) apply(w *world) ([]delivery, bool) {
	is, ok := w.resolve(c.target)
	if !ok || len(is.Assignees) == 0 {
		return nil, false
	}
	who, actor := is.Assignees[0], person
	if c.self {
		actor = who
	}
	w.gh.HumanUpdate(owner, repoName, is.Number, actor, func(ch *sandbox.IssueChange) {
		ch.Assignees = slices.DeleteFunc(ch.Assignees, func(a string) bool { return a == who })
	})
	return []delivery{w.issueEvent("unassigned", is.Number, actor, map[string]any{"assignee": map[string]any{"login": who}})}, true
}

// newHand is a support issue a person opens by hand: label support, and a
// priority label or none.
type newHand struct {
	key      string
	priority string // "" for none
}

func (c newHand) String() string {
	p := "no priority label"
	if c.priority != "" {
		p = fmt.Sprintf("%q", priorityLabel(c.priority))
	}
	return fmt.Sprintf("GitHub: %s opens support issue %q by hand, %s", person, c.key, p)
}

func (c newHand) apply(w *world) ([]delivery, bool) {
	labels := []string{"support"}
	if c.priority != "" {
		labels = append(labels, priorityLabel(c.priority))
	}
	n := w.gh.CreateIssue(owner, repoName, person, c.key, "Seen on the staging hub; opened by hand.", labels...)
	w.hands[c.key] = n
	ds := []delivery{w.issueEvent("opened", n, person, nil)}
	for _, l := range labels {
		ds = append(ds, w.issueEvent("labeled", n, person, map[string]any{"label": map[string]any{"name": l}}))
	}
	return ds, true
}

type retitle struct {
	target target
	title  string
}

func (c retitle) String() string {
	return fmt.Sprintf("GitHub: %s retitles %s %q", person, c.target, c.title)
}

func (c retitle) apply(w *world) ([]delivery, bool) {
	is, ok := w.resolve(c.target)
	if !ok {
		return nil, false
	}
	w.gh.HumanUpdate(owner, repoName, is.Number, person, func(ch *sandbox.IssueChange) { ch.Title = c.title })
	return []delivery{w.issueEvent("edited", is.Number, person, nil)}, true
}

// quiet is no change at all: the round that ends every mode.
type quiet struct{}

func (quiet) String() string                  { return "quiet round: no change" }
func (quiet) apply(*world) ([]delivery, bool) { return nil, true }

// --- The generator -------------------------------------------------------

// gen draws a sequence of changes. It keeps what a correct steward would
// make of the world (spec), only so as to draw changes that make sense:
// close an issue that is open, tag a ticket that is not tagged. The test
// never checks the world against it.
type gen struct {
	rng     *rand.Rand
	tickets []*specTicket
	hands   []*specIssue
}

type specTicket struct {
	id               int64
	tagged, hubDown  bool
	status, priority int
	issue            *specIssue // once tagged
	edits            int
}

type specIssue struct {
	target   target
	open     bool
	priority string
}

// generate draws n steps for seed: the same whatever the mode.
func generate(seed uint64, n int) []step {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	out := make([]step, n)
	for i := range out {
		out[i] = step{advance: time.Duration(1+g.rng.IntN(5)) * time.Minute, change: g.next()}
	}
	return out
}

type option struct {
	weight int
	draw   func() change
}

func (g *gen) next() change {
	opts := []option{{3, g.newTicket}, {1, g.newHand}}
	if len(g.tickets) > 0 {
		opts = append(opts, option{2, g.setPriority}, option{3, g.setStatus}, option{1, g.reply}, option{1, g.setSubject})
		if slices.ContainsFunc(g.tickets, func(t *specTicket) bool { return !t.tagged || !t.hubDown }) {
			opts = append(opts, option{2, g.addTag})
		}
	}
	if len(g.issues(true)) > 0 {
		opts = append(opts, option{2, g.closeIssue("completed")}, option{1, g.closeIssue("not_planned")},
			option{2, g.relabel}, option{1, g.assign}, option{1, g.unassign}, option{1, g.retitle})
	}
	if len(g.issues(false)) > 0 {
		opts = append(opts, option{2, g.reopen})
	}
	total := 0
	for _, o := range opts {
		total += o.weight
	}
	k := g.rng.IntN(total)
	for _, o := range opts {
		if k < o.weight {
			return o.draw()
		}
		k -= o.weight
	}
	panic("unreachable")
}

// issues are the support issues the spec expects, open or closed.
func (g *gen) issues(open bool) []*specIssue {
	var out []*specIssue
	for _, t := range g.tickets {
		if t.issue != nil && t.issue.open == open {
			out = append(out, t.issue)
		}
	}
	for _, h := range g.hands {
		if h.open == open {
			out = append(out, h)
		}
	}
	return out
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func (g *gen) priority() int { return 1 + g.rng.IntN(4) }

var phrases = []string{"Hub returns 502", "Notebook servers fail to start", "Storage quota reached", "Kernel dies on a large dataset",
	"Login loop with the SSO", "Slow start during lecture hours", "Students see each other's files", "GPU profile missing"}

func (g *gen) newTicket() change {
	id := int64(len(g.tickets) + 1)
	r := requester{name: fmt.Sprintf("Rowena Quillfeather%d", id), email: fmt.Sprintf("rowena.q%d@requester.example", id),
		phone: fmt.Sprintf("+1 555 %03d %04d", id, 7000+id), description: fmt.Sprintf("private-description-%d", id)}
	subject := fmt.Sprintf("Ticket %d: %s", id, pick(g.rng, phrases))
	switch g.rng.IntN(4) { // sometimes the requester writes their address into the subject
	case 0:
		subject += " (write to " + r.email + ")"
	case 1:
		subject += " (call " + r.phone + ")"
	}
	t := &specTicket{id: id, status: pick(g.rng, []int{2, 2, 3}), priority: g.priority()}
	var tags []string
	if g.rng.IntN(5) < 3 {
		t.tagged, tags = true, append(tags, "engineering")
	}
	if g.rng.IntN(6) == 0 {
		t.hubDown, tags = true, append(tags, "hub-down")
	}
	if t.tagged {
		t.issue = &specIssue{target: target{ticket: id}, open: !done(t.status), priority: priorities[t.priority]}
	}
	g.tickets = append(g.tickets, t)
	return newTicket{id: id, subject: subject, status: t.status, priority: t.priority, tags: tags, company: int64(g.rng.IntN(3)), requester: r}
}

func (g *gen) setPriority() change {
	t := pick(g.rng, g.tickets)
	p := g.priority()
	t.priority = p
	if t.issue != nil {
		t.issue.priority = priorities[p]
	}
	return agentUpdate{id: t.id, what: "priority set to " + priorities[p], edit: func(ft *sandbox.FDTicket) { ft.Priority = p }}
}

func (g *gen) addTag() change {
	var ts []*specTicket
	for _, t := range g.tickets {
		if !t.tagged || !t.hubDown {
			ts = append(ts, t)
		}
	}
	t := pick(g.rng, ts)
	tag := "hub-down"
	if !t.tagged && (t.hubDown || g.rng.IntN(3) > 0) {
		tag = "engineering"
		t.tagged = true
		t.issue = &specIssue{target: target{ticket: t.id}, open: !done(t.status), priority: priorities[t.priority]}
	} else {
		t.hubDown = true
	}
	return agentUpdate{id: t.id, what: "tagged " + tag, edit: func(ft *sandbox.FDTicket) {
		if !ft.HasTag(tag) {
			ft.Tags = append(ft.Tags, tag)
		}
	}}
}

// status is what steward does when the ticket's status changes: the issue
// closes when the ticket is done, and reopens when it no longer is.
func (t *specTicket) setStatus(s int) {
	was := t.status
	t.status = s
	if t.issue == nil {
		return
	}
	switch {
	case done(s) && !done(was):
		t.issue.open = false
	case !done(s) && done(was):
		t.issue.open = true
	}
}

func (g *gen) setStatus() change {
	t := pick(g.rng, g.tickets)
	var choices []int
	for _, s := range []int{2, 3, 4, 5} {
		if s != t.status {
			choices = append(choices, s)
		}
	}
	s := pick(g.rng, choices)
	t.setStatus(s)
	return agentUpdate{id: t.id, what: "set to " + statuses[s], edit: func(ft *sandbox.FDTicket) { ft.Status = s }}
}

func (g *gen) reply() change {
	t := pick(g.rng, g.tickets)
	t.edits++
	t.setStatus(2)
	return requesterReply{id: t.id, token: fmt.Sprintf("private-reply-%d-%d", t.id, t.edits)}
}

func (g *gen) setSubject() change {
	t := pick(g.rng, g.tickets)
	t.edits++
	s := fmt.Sprintf("Ticket %d: %s (update %d)", t.id, pick(g.rng, phrases), t.edits)
	return agentUpdate{id: t.id, what: fmt.Sprintf("subject set to %q", s), edit: func(ft *sandbox.FDTicket) { ft.Subject = s }}
}

func (g *gen) closeIssue(reason string) func() change {
	return func() change {
		is := pick(g.rng, g.issues(true))
		is.open = false
		if t := g.ticket(is.target); t != nil && reason == "completed" && !done(t.status) {
			t.status = 4
		}
		return closeIssue{target: is.target, reason: reason}
	}
}

func (g *gen) reopen() change {
	is := pick(g.rng, g.issues(false))
	is.open = true
	if t := g.ticket(is.target); t != nil && done(t.status) {
		t.status = 2
	}
	return reopenIssue{target: is.target}
}

func (g *gen) ticket(tg target) *specTicket {
	if tg.hand != "" {
		return nil
	}
	return g.tickets[tg.ticket-1]
}

func (g *gen) relabel() change {
	is := pick(g.rng, g.issues(true))
	var others []string
	for p := 1; p <= 4; p++ {
		if priorities[p] != is.priority {
			others = append(others, priorities[p])
		}
	}
	is.priority = pick(g.rng, others)
	return relabel{target: is.target, priority: is.priority}
}

func (g *gen) assign() change {
	return assign{target: pick(g.rng, g.issues(true)).target, who: pick(g.rng, engineers)}
}

func (g *gen) unassign() change {
	return unassign{target: pick(g.rng, g.issues(true)).target, self: g.rng.IntN(2) == 0}
}

func (g *gen) newHand() change {
	key := fmt.Sprintf("Hand-made %d: %s", len(g.hands)+1, pick(g.rng, phrases))
	p := ""
	if g.rng.IntN(3) > 0 {
		p = priorities[g.priority()]
	}
	g.hands = append(g.hands, &specIssue{target: target{hand: key}, open: true, priority: p})
	return newHand{key: key, priority: p}
}

func (g *gen) retitle() change {
	is := pick(g.rng, g.issues(true))
	name := is.target.hand
	if name == "" {
		name = fmt.Sprintf("Ticket %d's issue", is.target.ticket)
	}
	return retitle{target: is.target, title: fmt.Sprintf("%s, renamed by %s (%d)", name, person, g.rng.IntN(1000))}
}
