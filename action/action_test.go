package action_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/action"
	"github.com/support-steward/steward/internal/sandbox"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Monday 2026-11-30, 09:00 in Los Angeles: a week before a handoff.
var now = time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)

type runner struct {
	t                *testing.T
	dir              string
	vars             map[string]string
	g                *sandbox.GitHub
	fd               *sandbox.Freshdesk
	stdout           bytes.Buffer
	secrets          []string
	outFile, sumFile string
	// jobClock is what runAs's jobs wait on (nil: the wall clock).
	jobClock sandbox.Clock
	clock    *sandbox.ManualClock
}

// newRunner lays out what a GitHub runner gives a Docker action: a
// workspace with the repository, INPUT_* variables, and the files for
// outputs and the job summary.
func newRunner(t *testing.T, inputs map[string]string) *runner {
	t.Helper()
	return newRunnerWith(t, inputs, func(*sandbox.GitHubOptions) {})
}

// newRunnerWith is newRunner with the GitHub sandbox's options adjusted
// (more tokens, faults).
func newRunnerWith(t *testing.T, inputs map[string]string, opts func(*sandbox.GitHubOptions)) *runner {
	t.Helper()
	dir := t.TempDir()
	sample, _ := os.ReadFile("../roster.yaml")
	os.WriteFile(filepath.Join(dir, "roster.yaml"), sample, 0o644)
	clock := sandbox.NewManualClock(now)
	ghOpts := sandbox.GitHubOptions{Tokens: map[string]string{"ghp_ActionSecretToken123": "github-actions[bot]"}, Clock: clock}
	opts(&ghOpts)
	g := sandbox.NewGitHub(ghOpts)
	g.AddRepo("open-infra", "support", "main", map[string]string{"roster.yaml": string(sample)})
	for _, u := range []string{"ada-l", "aturing", "bliskov", "dknuth", "ewd", "fran-allen", "grace", "kjohnson", "cshannon"} {
		g.AddUser(u)
	}
	g.AddTeam("open-infra", "support-stewards", "grace")
	g.AddProject("open-infra", 12, "Sprint board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: []sandbox.ProjectIteration{{Title: "Sprint 30", StartDate: "2026-11-23", Duration: 14}}})
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "fdkey-ActionSecret456", Clock: ghOpts.Clock})
	fd.AddGroup(sandbox.FDGroup{ID: 43000000123, Name: "Stewards"})
	ghSrv, fdSrv := httptest.NewServer(g), httptest.NewServer(fd)
	t.Cleanup(ghSrv.Close)
	t.Cleanup(fdSrv.Close)
	r := &runner{t: t, dir: dir, g: g, fd: fd, clock: clock, outFile: filepath.Join(dir, "output"), sumFile: filepath.Join(dir, "summary")}
	r.vars = map[string]string{
		"GITHUB_WORKSPACE": dir, "GITHUB_OUTPUT": r.outFile, "GITHUB_STEP_SUMMARY": r.sumFile,
		"GITHUB_API_URL": ghSrv.URL, "FRESHDESK_BASE_URL": fdSrv.URL, "GITHUB_ACTIONS": "true",
	}
	for k, v := range inputs {
		r.vars["INPUT_"+strings.ToUpper(k)] = v
		if k == "github-token" || k == "freshdesk-api-key" || k == "app-private-key" || k == "slack-bot-token" {
			r.secrets = append(r.secrets, v)
		}
	}
	return r
}

func (r *runner) run() int {
	return action.Run(context.Background(), func(k string) string { return r.vars[k] }, &r.stdout, func() time.Time { return now })
}

func (r *runner) outputs() map[string]string {
	data, _ := os.ReadFile(r.outFile)
	out := map[string]string{}
	// name<<DELIMITER\nvalue\nDELIMITER
	lines := strings.Split(string(data), "\n")
	for i := 0; i+1 < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			out[name] = strings.Join(val, "\n")
		}
	}
	return out
}

func (r *runner) summary() string {
	data, _ := os.ReadFile(r.sumFile)
	return string(data)
}

// noSecrets checks everything the Action wrote.
func (r *runner) noSecrets() {
	r.t.Helper()
	out, _ := os.ReadFile(r.outFile)
	// The mask commands carry the secrets to the runner, which hides them
	// from then on; nothing else may carry them.
	var rest []string
	masked := map[string]bool{}
	for _, l := range strings.Split(r.stdout.String(), "\n") {
		if m, ok := strings.CutPrefix(l, "::add-mask::"); ok {
			masked[m] = true
			continue
		}
		rest = append(rest, l)
	}
	all := strings.Join(rest, "\n") + string(out) + r.summary()
	for _, s := range r.secrets {
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(line); len(line) > 3 {
				if strings.Contains(all, line) {
					r.t.Errorf("a secret reached what the Action wrote: %.8s...", line)
				}
				if !masked[line] {
					r.t.Errorf("a secret line was not masked: %.8s...", line)
				}
			}
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, _ := os.ReadFile(path)
	if got != string(want) {
		t.Errorf("%s differs (run with -update):\n%s", path, got)
	}
}

func TestScheduledRun(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "run", "github-token": "ghp_ActionSecretToken123", "freshdesk-api-key": "fdkey-ActionSecret456"})
	r.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, Tags: []string{"engineering"}, CreatedAt: now.Add(-time.Hour)})
	r.fd.AddTicket(sandbox.FDTicket{Subject: "Old, unanswered", Priority: 2, Tags: []string{"engineering"}, CreatedAt: now.Add(-5 * 24 * time.Hour)})
	if code := r.run(); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, r.stdout.String(), r.summary())
	}
	out := r.outputs()
	// The old ticket changed before the run's window: it is not mirrored,
	// but the dashboard counts it overdue.
	want := map[string]string{"stewards": "grace,kjohnson", "next-handoff": "2026-12-07", "issues-created": "1",
		"pull-request": "https://github.com/open-infra/support/pull/1"}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("output %s = %q, want %q (all: %v)", k, out[k], v, out)
		}
	}
	golden(t, "run-summary.md", r.summary())
	r.noSecrets()
	if m := r.g.TeamMembers("open-infra", "support-stewards"); strings.Join(m, ",") != "grace,kjohnson" {
		t.Errorf("team %v", m)
	}
	// The sync, the acknowledgements and the dashboard read FreshDesk's
	// ticket list once between them; a ticket one part wrote to is read
	// again by id for the next.
	if n := r.fd.Ledger().Count(sandbox.Route("GET /api/v2/tickets")); n != 1 {
		t.Errorf("the ticket list was read %d times:\n%s", n, r.fd.Ledger())
	}
}

// A run started by an issues event reconciles that issue alone: routed,
// on the board. The rest (rotation, sync, dashboard) is the catch-up's,
// which has a concurrency group of its own; this run is in the issue's,
// so a full run here could run beside the catch-up. Found by a fresh-eye
// review: the README said so, the run did everything.
func TestARunStartedByAnIssueEventReconcilesThatIssueAlone(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	r := newRunner(t, map[string]string{"command": "run", "app-id": "99", "app-private-key": pemKey, "freshdesk-api-key": "fdkey-ActionSecret456", "dry-run": "false"})
	// The App is the sandbox's; it acts through its installation.
	r.g = nil
	// The App's JWT is made on the wall clock: the sandbox checks it there.
	g := sandbox.NewGitHub(sandbox.GitHubOptions{AppID: 99, AppKey: &key.PublicKey, Clock: sandbox.RealClock{}})
	g.AddInstallation(5, "open-infra")
	sample, _ := os.ReadFile("../roster.yaml")
	g.AddRepo("open-infra", "support", "main", map[string]string{"roster.yaml": string(sample)})
	// The roster's board: a support issue a person opened joins it.
	g.AddProject("open-infra", 12, "Sprint board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: []sandbox.ProjectIteration{{Title: "Sprint 30", StartDate: "2026-11-23", Duration: 14}}})
	for _, u := range []string{"ada-l", "aturing", "bliskov", "dknuth", "ewd", "fran-allen", "grace", "kjohnson", "cshannon"} {
		g.AddUser(u)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	r.vars["GITHUB_API_URL"] = srv.URL
	n := g.CreateIssue("open-infra", "support", "ada-l", "Users see 502s", "", "support")
	// A real issues.labeled payload, pointed at this repository.
	var ev map[string]any
	data, _ := os.ReadFile("../internal/server/testdata/webhooks/issues.labeled.json")
	json.Unmarshal(data, &ev)
	ev["repository"].(map[string]any)["full_name"] = "open-infra/support"
	ev["issue"].(map[string]any)["number"] = n
	ev["issue"].(map[string]any)["labels"] = []any{map[string]any{"name": "support"}}
	ev["label"] = map[string]any{"name": "support"}
	evPath := filepath.Join(r.dir, "event.json")
	b, _ := json.Marshal(ev)
	os.WriteFile(evPath, b, 0o644)
	r.vars["GITHUB_EVENT_NAME"], r.vars["GITHUB_EVENT_PATH"] = "issues", evPath
	r.run()
	if is := g.Issues("open-infra", "support")[n-1]; len(is.Assignees) != 1 {
		t.Errorf("the labelled issue was not routed: %+v\n%s", is, r.summary())
	}
	if b := g.ProjectItems("open-infra", 12); len(b) != 1 || b[0].Values["Priority"] != "Medium" {
		t.Errorf("the hand-made support issue is not on the board with Medium: %+v", b)
	}
	if !strings.Contains(r.summary(), "| event | ✅ #1: asking @") {
		t.Errorf("summary:\n%s", r.summary())
	}
	for _, part := range []string{"| rotate |", "| sync |", "| remind |", "| acknowledge |"} {
		if strings.Contains(r.summary(), part) {
			t.Errorf("the event's run did %s too:\n%s", part, r.summary())
		}
	}
	r.noSecrets()
}

func TestValidateAnnotatesTheRosterLines(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "validate"})
	broken := "version: 1\nteam: T\ntimezone: Nowhere/Land\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n  - {name: B, github: A}\n"
	os.WriteFile(filepath.Join(r.dir, "roster.yaml"), []byte(broken), 0o644)
	if code := r.run(); code != 1 {
		t.Errorf("exit %d", code)
	}
	got := r.stdout.String()
	for _, want := range []string{
		`::error col=11,file=roster.yaml,line=3,title=roster.yaml::timezone: "Nowhere/Land" is not an IANA time zone name (e.g. America/Los_Angeles)`,
		`::error col=15,file=roster.yaml,line=7,title=roster.yaml::engineers[1].github: "A" is already used by engineers[0]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stdout lacks %s:\n%s", want, got)
		}
	}
	if !strings.Contains(r.summary(), "2 error(s)") {
		t.Errorf("summary: %s", r.summary())
	}
}

func TestBadInputs(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "deploy"})
	if code := r.run(); code != 2 || !strings.Contains(r.stdout.String(), `input command: "deploy" is not one of`) {
		t.Errorf("%d %s", code, r.stdout.String())
	}
	r = newRunner(t, map[string]string{"command": "sync", "dry-run": "maybe"})
	if code := r.run(); code != 2 {
		t.Errorf("dry-run maybe: %d", code)
	}
	r = newRunner(t, map[string]string{"command": "schedule"})
	if code := r.run(); code != 0 || !strings.Contains(r.summary(), "| Start | End | Steward | Status |") || r.outputs()["stewards"] != "grace,kjohnson" {
		t.Errorf("schedule: %d %s %v", code, r.summary(), r.outputs())
	}
}

// A sync the roster configures but no credentials reach is a failed step:
// exit 1, an ::error annotation with what to fix, and a summary that
// claims no success. On main it was "skipped" and the step was green.
func TestASyncWithoutCredentialsFails(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "sync"})
	if code := r.run(); code != 1 {
		t.Fatalf("exit %d\n%s", code, r.stdout.String())
	}
	if !strings.Contains(r.stdout.String(), "::error::sync: no GitHub credentials") || !strings.Contains(r.stdout.String(), "app-id and app-private-key") {
		t.Errorf("annotations:\n%s", r.stdout.String())
	}
	s := r.summary()
	if !strings.Contains(s, "1 part(s) failed") || strings.Contains(s, "✅") || strings.Contains(s, "skipped") {
		t.Errorf("summary:\n%s", s)
	}
}

// Run outside a runner (no GITHUB_OUTPUT, no GITHUB_STEP_SUMMARY), the
// Action prints its summary instead of panicking.
func TestNoRunnerFilesNoPanic(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "schedule"})
	delete(r.vars, "GITHUB_OUTPUT")
	delete(r.vars, "GITHUB_STEP_SUMMARY")
	if code := r.run(); code != 0 || !strings.Contains(r.stdout.String(), "| Start | End | Steward | Status |") {
		t.Errorf("exit %d\n%s", code, r.stdout.String())
	}
	// A runner file that cannot be written fails the step, without a panic.
	r = newRunner(t, map[string]string{"command": "schedule"})
	r.vars["GITHUB_OUTPUT"] = filepath.Join(r.dir, "no-such-dir", "output")
	if code := r.run(); code != 1 || !strings.Contains(r.stdout.String(), "::error::GITHUB_OUTPUT") {
		t.Errorf("unwritable output: exit %d\n%s", code, r.stdout.String())
	}
}

// A missing roster says so, and what to do, rather than "0 error(s)".
func TestAMissingRosterSaysSo(t *testing.T) {
	for _, command := range []string{"run", "validate"} {
		r := newRunner(t, map[string]string{"command": command, "roster": "team/roster.yaml"})
		if code := r.run(); code != 1 {
			t.Errorf("%s: exit %d", command, code)
		}
		for _, s := range []string{r.summary(), r.stdout.String()} {
			if !strings.Contains(s, "There is no roster at `team/roster.yaml`") || !strings.Contains(s, "steward init") || strings.Contains(s, "0 error(s)") {
				t.Errorf("%s:\n%s", command, s)
			}
		}
	}
}

// Issue #26: a workflow_dispatch naming a ticket (what a FreshDesk
// automation rule sends) reconciles that ticket and nothing else: its
// issue made, on the board, its link note left; the other tickets, the
// rotation, the dashboard and routing wait for the scheduled run. Measured
// as a job runs it: after a scheduled run has kept what it read in
// STEWARD_CACHE_DIR, with a token of its own (kept ETags earn nothing).
func TestADispatchNamingATicketReconcilesOnlyIt(t *testing.T) {
	const second = "ghs_SecondJobToken789"
	r := newRunnerWith(t, map[string]string{"command": "run", "github-token": "ghp_ActionSecretToken123", "freshdesk-api-key": "fdkey-ActionSecret456"},
		func(o *sandbox.GitHubOptions) { o.Tokens[second] = "github-actions[bot]" })
	r.vars["STEWARD_CACHE_DIR"] = t.TempDir()
	r.vars["INPUT_DRY-RUN"] = "false"
	other := r.fd.AddTicket(sandbox.FDTicket{Subject: "Quota", Priority: 2, Tags: []string{"engineering"}, CreatedAt: now.Add(-2 * time.Hour)})
	if code := r.run(); code != 0 {
		t.Fatalf("the scheduled run: exit %d\n%s", code, r.summary())
	}
	otherNotes := len(r.fd.Conversations(other))
	// From a hub no issue names yet: its name comes with the ticket.
	r.fd.AddCompany(sandbox.FDCompany{ID: 77, Name: "Example Hub"})
	id := r.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, Tags: []string{"engineering"}, CompanyID: 77, CreatedAt: now.Add(-time.Hour)})
	r.vars["INPUT_TICKET"], r.vars["INPUT_GITHUB-TOKEN"] = fmt.Sprint(id), second
	r.stdout.Reset()
	os.Remove(r.sumFile)
	r.g.Ledger().Reset()
	r.fd.Ledger().Reset()
	start := time.Now()
	if code := r.run(); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, r.stdout.String(), r.summary())
	}
	took := time.Since(start) // a figure for BENCHMARKS.md, not a bound
	var mine []sandbox.Issue
	for _, is := range r.g.Issues("open-infra", "support") {
		if strings.Contains(is.Body, fmt.Sprintf(`"ticket":%d`, id)) {
			mine = append(mine, is)
		}
	}
	if len(mine) != 1 || !strings.Contains(mine[0].Title+mine[0].Body, "Example Hub") {
		t.Fatalf("issues of the dispatched ticket (one, naming its hub): %+v", mine)
	}
	items := r.g.ProjectItems("open-infra", 12)
	if len(items) != 2 || items[0].Issue != fmt.Sprintf("open-infra/support#%d", mine[0].Number) || items[0].Values["Priority"] != "Urgent" || items[0].Values["Status"] != "Todo" {
		t.Errorf("board (the urgent ticket's item first, with its fields): %+v", items)
	}
	if len(r.fd.Conversations(id)) != 1 || len(r.fd.Conversations(other)) != otherNotes {
		t.Errorf("notes: %d on the dispatched ticket, %d on the other (was %d)", len(r.fd.Conversations(id)), len(r.fd.Conversations(other)), otherNotes)
	}
	if !strings.Contains(r.summary(), fmt.Sprintf("| ticket | ✅ ticket %d in step |", id)) || strings.Contains(r.summary(), "| rotate |") {
		t.Errorf("summary:\n%s", r.summary())
	}
	fd, gh := r.fd.Ledger().Len(), r.g.Ledger().Len()
	t.Logf("a dispatched new ticket: %d FreshDesk and %d GitHub requests in %v:\n%s%s", fd, gh, took.Round(time.Millisecond), r.fd.Ledger(), r.g.Ledger())
	if fd > 2 {
		t.Errorf("%d FreshDesk requests, want the ticket's read and its link note", fd)
	}
	// The issue created (the kept list has none for the ticket, and the
	// ticket, read with its notes, links none), the item added reading
	// back the board and the issues that changed last, the item's fields
	// and place: all of it. (Routing the new issue is its labelled
	// event's run's.)
	reqs := r.g.Ledger().Requests()
	mirrorEnd, mutations := 0, 0
	for i, q := range reqs {
		if q.Route == "POST /graphql" {
			if mutations++; mutations == 2 {
				mirrorEnd = i + 1
			}
		}
	}
	if mirrorEnd == 0 || mirrorEnd > 3 || gh != mirrorEnd {
		t.Errorf("%d GitHub requests to mirror the ticket, %d in all; want 3", mirrorEnd, gh)
	}
	// A ticket and an issue at once, or a ticket that is no number, is a
	// wrong command line.
	for _, in := range []map[string]string{{"INPUT_TICKET": "1", "INPUT_ISSUE": "2"}, {"INPUT_TICKET": "abc"}, {"INPUT_TICKET": "-3"}} {
		bad := newRunner(t, map[string]string{"command": "run"})
		for k, v := range in {
			bad.vars[k] = v
		}
		if code := bad.run(); code != 2 {
			t.Errorf("%v: exit %d", in, code)
		}
	}
}

// The request that adds a dispatched ticket's new issue to the board and
// reads the board back is answered 502 after GitHub made the item (its
// answer lost): the run reads the list and the board itself, finds the
// item, and sets its fields; one issue, one item, in the same run.
func TestADispatchWhoseBoardAnswerWasLostStillPlacesTheItem(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "run", "github-token": "ghp_ActionSecretToken123", "freshdesk-api-key": "fdkey-ActionSecret456"})
	r.vars["STEWARD_CACHE_DIR"] = t.TempDir()
	r.vars["INPUT_DRY-RUN"] = "false"
	if code := r.run(); code != 0 { // keeps the project's id
		t.Fatalf("the scheduled run: exit %d\n%s", code, r.summary())
	}
	var lost atomic.Int32
	gate := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte("mutation AddItemAndRead")) && lost.Add(1) == 1 {
			r.g.ServeHTTP(httptest.NewRecorder(), req) // made, answer lost
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		r.g.ServeHTTP(w, req)
	})
	srv := httptest.NewServer(gate)
	t.Cleanup(srv.Close)
	r.vars["GITHUB_API_URL"] = srv.URL
	id := r.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, Tags: []string{"engineering"}, CreatedAt: now.Add(-time.Hour)})
	r.vars["INPUT_TICKET"] = fmt.Sprint(id)
	if code := r.run(); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, r.stdout.String(), r.summary())
	}
	if lost.Load() != 1 {
		t.Fatalf("the add-and-read request was sent %d times, want once", lost.Load())
	}
	items := r.g.ProjectItems("open-infra", 12)
	if len(items) != 1 || items[0].Values["Priority"] != "Urgent" || items[0].Values["Status"] != "Todo" {
		t.Errorf("board: %+v", items)
	}
	var mirrors int
	for _, is := range r.g.Issues("open-infra", "support") {
		if strings.Contains(is.Body, fmt.Sprintf(`"ticket":%d`, id)) {
			mirrors++
		}
	}
	if mirrors != 1 {
		t.Errorf("%d issues mirror the ticket, want 1", mirrors)
	}
}
