package server

import (
	"context"
	"fmt"
	"github.com/support-steward/steward/internal/wire"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/sandbox"
)

type staticBackend struct{ t *wire.Clients }

func (b staticBackend) Clients(context.Context, int64) (*wire.Clients, error) { return b.t, nil }

func TestDeliveriesDriveTheMirrorEndToEnd(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	clock := sandbox.NewManualClock(now)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_sandbox-token": "steward[bot]"}, Clock: clock})
	g.AddRepo("open-infra", "support", "main", nil)
	r := mustRoster()
	for _, e := range r.Engineers {
		g.AddUser(e.GitHub)
	}
	g.AddProject("open-infra", 12, "Sprint board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: []sandbox.ProjectIteration{{Title: "Sprint 30", StartDate: "2026-11-23", Duration: 14}}})
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "fd-sandbox-key", Clock: clock})
	ghSrv, fdSrv := httptest.NewServer(g), httptest.NewServer(fd)
	defer ghSrv.Close()
	defer fdSrv.Close()
	ghc, _ := gh.New(gh.Config{APIURL: ghSrv.URL, Token: "ghp_sandbox-token", Clock: clock, Log: testLog})
	fdc, _ := freshdesk.New(freshdesk.Config{BaseURL: fdSrv.URL, APIKey: "fd-sandbox-key", Clock: clock, Log: testLog})
	s, o := newServer(t, staticBackend{&wire.Clients{Roster: r, GH: ghc, FD: fdc, Now: now}}, nil)
	h := s.Handler()

	// A person files a support issue that names a ticket and labels it.
	ticket := fd.AddTicket(sandbox.FDTicket{Subject: "Login loop", Priority: sandbox.PriorityHigh})
	n := g.CreateIssue("open-infra", "support", "ada-l", "Users stuck in a login loop", "Reported in https://openinfra.freshdesk.com/a/tickets/1", "support")
	body := []byte(`{"action":"labeled","issue":{"number":` + strconv.Itoa(n) + `,"labels":[{"name":"support"}],"assignees":[]},"label":{"name":"support"},` +
		`"repository":{"full_name":"open-infra/support"},"sender":{"login":"ada-l"},"installation":{"id":7}}`)
	if rec := deliver(h, "issues", "d-1", body, sign(secret, body)); rec.Code != 202 {
		t.Fatalf("labeled: %d", rec.Code)
	}
	// FreshDesk says a tagged ticket changed.
	other := fd.AddTicket(sandbox.FDTicket{Subject: "Storage full", Priority: sandbox.PriorityUrgent, Tags: []string{"engineering"}})
	req := httptest.NewRequest("POST", "/webhooks/freshdesk", strings.NewReader(`{"freshdesk_webhook":{"ticket_id":`+strconv.FormatInt(other, 10)+`}}`))
	req.Header.Set(FreshdeskHeader, fdToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 202 {
		t.Fatalf("freshdesk: %d", rec.Code)
	}
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id, err := range o.errs {
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	board := g.ProjectItems("open-infra", 12)
	if len(board) != 2 {
		t.Fatalf("board: %+v", board)
	}
	issues := g.Issues("open-infra", "support")
	if len(issues) != 2 || !strings.Contains(issues[0].Body, "steward:freshdesk") || len(issues[0].Assignees) != 1 {
		t.Errorf("the labelled issue: %+v", issues[0])
	}
	if issues[1].Title != "Storage full" || strings.Join(issues[1].Labels, ",") != "support,priority: urgent" {
		t.Errorf("the mirrored issue: %+v", issues[1])
	}
	if len(fd.Conversations(ticket)) != 1 || len(fd.Conversations(other)) != 1 {
		t.Error("tickets lack their link notes")
	}
	// A redelivery changes nothing.
	g.Ledger().Reset()
	s2, _ := newServer(t, staticBackend{&wire.Clients{Roster: r, GH: ghc, FD: fdc, Now: now}}, nil)
	deliver(s2.Handler(), "issues", "d-1", body, sign(secret, body))
	s2.Drain(context.Background())
	if w := g.Ledger().Count(sandbox.Writes); w != 0 {
		t.Errorf("a redelivery wrote %d times:\n%s", w, g.Ledger())
	}
}

// Issue #12, defect 5, end to end: creating a labelled issue sends
// issues.opened and issues.labeled at once; over twenty such issues, each
// ends with one engineer assigned and asked once.
func TestOpenedAndLabeledTogetherAssignOneEngineer(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	clock := sandbox.NewManualClock(now)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_sandbox-token": "steward[bot]"}, Clock: clock})
	g.AddRepo("open-infra", "support", "main", nil)
	r := mustRoster()
	for _, e := range r.Engineers {
		g.AddUser(e.GitHub)
	}
	ghSrv := httptest.NewServer(g)
	defer ghSrv.Close()
	ghc, _ := gh.New(gh.Config{APIURL: ghSrv.URL, Token: "ghp_sandbox-token", Clock: clock, Log: testLog})
	s, o := newServer(t, staticBackend{&wire.Clients{Roster: r, GH: ghc, Now: now}}, nil)
	var numbers []int
	for i := range 20 {
		n := g.CreateIssue("open-infra", "support", "ada-l", fmt.Sprint("Broken ", i), "", "support")
		numbers = append(numbers, n)
		for _, action := range []string{"opened", "labeled"} {
			body := []byte(`{"action":"` + action + `","issue":{"number":` + strconv.Itoa(n) + `,"labels":[{"name":"support"}],"assignees":[]},"label":{"name":"support"},` +
				`"repository":{"full_name":"open-infra/support"},"sender":{"login":"ada-l"}}`)
			if rec := deliver(s.Handler(), "issues", fmt.Sprint(action, n), body, sign(secret, body)); rec.Code != 202 {
				t.Fatalf("%s #%d: %d", action, n, rec.Code)
			}
		}
	}
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id, err := range o.errs {
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	issues := g.Issues("open-infra", "support")
	for _, n := range numbers {
		is := issues[n-1]
		asks := 0
		for _, c := range is.Comments {
			if strings.Contains(c, "could you take this support issue") {
				asks++
			}
		}
		if len(is.Assignees) != 1 || asks != 1 {
			t.Errorf("#%d: assignees %v, %d ask comments; want one of each", n, is.Assignees, asks)
		}
	}
}
