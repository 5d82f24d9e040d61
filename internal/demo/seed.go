package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
)

// The sandboxes' only credentials; nothing real is ever used.
const (
	demoToken = "demo-token"
	demoKey   = "demo-freshdesk-key"
)

type seedTicket struct {
	subject  string
	priority int
	status   int
	age      time.Duration
	hub      int64
	tags     []string
	answered bool
}

// tickets is a small support history: mixed priorities, ages and states,
// some needing engineering.
var tickets = []seedTicket{
	{"Hub returns 502 for every user", 4, 2, 3 * time.Hour, 1, []string{"engineering", "hub-down"}, false},
	{"Notebook servers fail to start after the image update", 3, 2, 26 * time.Hour, 2, []string{"engineering"}, true},
	{"Storage quota reached for the shared drive", 2, 2, 50 * time.Hour, 3, []string{"engineering"}, false},
	{"Kernel dies when loading a 4 GB dataset", 2, 2, 5 * 24 * time.Hour, 2, []string{"engineering"}, true},
	{"Request for a GPU profile", 1, 2, 9 * 24 * time.Hour, 4, []string{"engineering"}, true},
	{"Login loop with the university SSO", 3, 3, 4 * 24 * time.Hour, 3, []string{"engineering"}, true},
	{"Workshop hub needs 200 more users tomorrow", 3, 2, 90 * time.Minute, 1, []string{"engineering"}, false},
	{"Old bug, fixed last month", 2, 4, 20 * 24 * time.Hour, 2, []string{"engineering"}, true},
	{"How do I share a notebook with my class?", 1, 2, 2 * time.Hour, 3, nil, false},
	{"Invoice address change", 1, 3, 3 * 24 * time.Hour, 4, []string{"billing"}, true},
	{"Add a co-instructor to the course hub", 2, 2, 30 * time.Hour, 2, nil, true},
	{"Password reset email not arriving", 2, 2, 70 * time.Hour, 1, nil, false},
	{"Which Python version is on the hub?", 1, 4, 6 * 24 * time.Hour, 4, nil, true},
	{"Can we get R installed?", 1, 2, 4 * time.Hour, 3, nil, false},
	{"Students see each other's files", 4, 2, 40 * time.Minute, 2, nil, false},
	{"Slow start during lecture hours", 2, 3, 2 * 24 * time.Hour, 1, nil, true},
	{"Renewal quote for next year", 1, 2, 8 * 24 * time.Hour, 4, []string{"billing"}, true},
	{"Thank you note", 1, 5, 10 * 24 * time.Hour, 3, nil, true},
	{"Export grades from nbgrader", 2, 2, 26 * time.Hour, 3, nil, false},
	{"Data science bootcamp room capacity", 2, 2, 5 * time.Hour, 1, nil, true},
}

// Defaults for a roster that does not say where its team works: the demo
// plays it out in a sandbox organisation of this name.
const (
	sandboxOrg   = "example-org"
	sandboxGroup = 43000000123
)

// place is where the demo's roster says its work lives, filled in with
// sandbox defaults for whatever the roster leaves out.
type place struct {
	Owner, Repo, Branch                 string // support issues and rotation pull requests
	RosterOwner, RosterRepo, RosterPath string
	ProjectOwner                        string
	ProjectNumber                       int
	TeamOrg, TeamSlug                   string
	Group                               int64
	// Filled lists what the roster did not configure and the demo did.
	Filled []string
	// SlackFilled lists the Slack stand-ins (slack.go), told in the Slack
	// chapter.
	SlackFilled []string
	// Lead is set when the roster names no integrations.github.rotation_lead
	// and the demo uses support.handoff_every as its rotation lead, so that
	// the next handoff's pull request is due whatever the day.
	Lead int
}

// fill completes r's integrations with sandbox defaults, so any valid
// roster (a new team's, without integrations) plays the whole cycle.
func fill(r *roster.Roster) place {
	var p place
	ig := r.Integrations.GitHub
	if ig == nil {
		ig = &roster.GitHubIntegration{Repo: sandboxOrg + "/support", CalendarPath: "calendar/support-stewards.ics"}
		r.Integrations.GitHub = ig
		p.Filled = append(p.Filled, "integrations.github (repository "+ig.Repo+")")
	}
	p.Owner, p.Repo, _ = strings.Cut(ig.Repo, "/")
	if ig.Project == nil {
		ig.Project = &roster.ProjectConfig{Owner: p.Owner, Number: 1}
		p.Filled = append(p.Filled, fmt.Sprintf("a sprint board (%s/%d)", p.Owner, 1))
	}
	if ig.StewardsTeam == "" {
		ig.StewardsTeam = p.Owner + "/support-stewards"
		p.Filled = append(p.Filled, "a stewards team ("+ig.StewardsTeam+")")
	}
	if ig.RotationLead.Days == 0 {
		ig.RotationLead = r.Support.HandoffEvery
		p.Lead = ig.RotationLead.Days
	}
	p.ProjectOwner, p.ProjectNumber = ig.Project.Owner, ig.Project.Number
	p.TeamOrg, p.TeamSlug, _ = strings.Cut(ig.StewardsTeam, "/")
	p.Branch = ig.BaseBranch
	if p.Branch == "" {
		p.Branch = "main"
	}
	rosterRepo := ig.RosterRepo
	if rosterRepo == "" {
		rosterRepo = ig.Repo
	}
	p.RosterOwner, p.RosterRepo, _ = strings.Cut(rosterRepo, "/")
	p.RosterPath = ig.RosterPath
	if p.RosterPath == "" {
		p.RosterPath = "roster.yaml"
	}
	fi := r.Integrations.Freshdesk
	if fi == nil {
		fi = &roster.FreshdeskIntegration{Domain: "example"}
		r.Integrations.Freshdesk = fi
		p.Filled = append(p.Filled, "integrations.freshdesk (example.freshdesk.com)")
	}
	if fi.StewardsGroupID == 0 {
		fi.StewardsGroupID = sandboxGroup
		p.Filled = append(p.Filled, "a FreshDesk stewards group")
	}
	p.Group = fi.StewardsGroupID
	return p
}

// seed builds the sandboxes as of now, on one clock: the roster (with an
// event on one hub today, and sandbox integrations where it has none), its
// repository, the board, the stewards' team and group, FreshDesk's tickets,
// a support issue nobody has taken, and the Slack workspace. Any valid
// roster will do.
func seed(sample []byte, now time.Time) (*World, error) {
	r, probs := roster.Parse("roster.yaml", sample)
	if r == nil {
		return nil, fmt.Errorf("the roster is not valid:\n%w", probs.Errors())
	}
	if len(r.Engineers) == 0 {
		return nil, fmt.Errorf("the roster has no engineers")
	}
	today := r.Today(now)
	r.Events = append(r.Events, roster.Event{Name: "Demo-day workshop", Hub: "example-hub", From: today, To: today.AddDays(2)})
	p := fill(r)
	p.SlackFilled = fillSlack(r)
	clock := sandbox.NewManualClock(now)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{demoToken: "steward[bot]"}, Clock: clock})
	// The repository holds the roster as written: the rotation pull request
	// changes only its shifts.
	if p.RosterOwner == p.Owner && p.RosterRepo == p.Repo {
		g.AddRepo(p.Owner, p.Repo, p.Branch, map[string]string{"README.md": "# Support\n", p.RosterPath: string(sample)})
	} else {
		g.AddRepo(p.Owner, p.Repo, p.Branch, map[string]string{"README.md": "# Support\n"})
		g.AddRepo(p.RosterOwner, p.RosterRepo, p.Branch, map[string]string{p.RosterPath: string(sample)})
	}
	var handles []string
	for _, e := range r.Engineers {
		g.AddUser(e.GitHub)
		handles = append(handles, e.GitHub)
	}
	// The team starts with whoever served last, so the demo shows it change.
	g.AddTeam(p.TeamOrg, p.TeamSlug, handles[:min(2, len(handles))]...)
	monday := today.AddDays(-int((today.Weekday() + 6) % 7))
	g.AddProject(p.ProjectOwner, p.ProjectNumber, "Engineering sprints",
		sandbox.ProjectField{Name: "Title", Type: "TEXT"},
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "In progress", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: []sandbox.ProjectIteration{
			{Title: "Sprint " + monday.AddDays(-7).String(), StartDate: monday.AddDays(-7).String(), Duration: 14},
			{Title: "Sprint " + monday.AddDays(7).String(), StartDate: monday.AddDays(7).String(), Duration: 14}}})
	g.CreateIssue(p.Owner, p.Repo, handles[len(handles)-1], "JupyterHub image builds time out on the build node", "Seen twice this week; not from a ticket.", "support", "kubernetes")

	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: demoKey, AgentID: 43000109, Clock: clock})
	for id, name := range map[int64]string{1: "Example Hub", 2: "Paleo Hub", 3: "Uni Bootcamp", 4: "Climate Lab"} {
		fd.AddCompany(sandbox.FDCompany{ID: id, Name: name})
	}
	fd.AddGroup(sandbox.FDGroup{ID: p.Group, Name: "Support Stewards", AgentIDs: []int64{43000106}})
	for i, t := range tickets {
		contact := int64(500 + i)
		fd.AddContact(sandbox.FDContact{ID: contact, Name: fmt.Sprintf("Requester %d", i+1), Email: fmt.Sprintf("requester%d@example.edu", i+1)})
		created := now.Add(-t.age)
		ft := sandbox.FDTicket{Subject: t.subject, Priority: t.priority, Status: t.status, CompanyID: t.hub, Tags: t.tags,
			RequesterID: contact, CreatedAt: created, Description: "<p>Private message from the requester.</p>"}
		if t.answered {
			reply := created.Add(2 * time.Hour)
			ft.Stats = sandbox.FDStats{FirstRespondedAt: reply, AgentRespondedAt: reply}
			ft.UpdatedAt = reply
		}
		if t.status == sandbox.StatusPending {
			ft.Stats.PendingSince = ft.Stats.AgentRespondedAt
		}
		fd.AddTicket(ft)
	}
	seedHistory(r, fd, now)
	return &World{GitHub: g, Freshdesk: fd, Slack: slackSandbox(r, clock), Roster: r, Place: p, clock: clock}, nil
}

// fixWithPullRequest: an engineer pushes a fix and merges a pull request
// that says "Fixes #N".
func fixWithPullRequest(w *World, issue int, engineer string) error {
	p := w.Place
	branch := fmt.Sprintf("fix-%d", issue)
	pr, err := w.GitHub.OpenPull(p.Owner, p.Repo, engineer, p.Branch, branch, "Raise the proxy's connection limit",
		fmt.Sprintf("Fixes #%d", issue), map[string]string{"fixes/" + branch + ".md": "Raised the proxy's connection limit.\n"})
	if err != nil {
		return err
	}
	return w.GitHub.MergePull(p.Owner, p.Repo, pr, engineer)
}
