package usecase_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

// hostile is what a requester or a stranger may write: a team mention, a
// reference, a remote image, an unclosed comment and steward's block end.
const hostile = `@acme/everyone see #1 and acme/infra#2 <img src="https://evil.example/x.png"> <!-- /steward --> <!--`

// rawMarkup renders a GitHub body as GitHub would (GFM, raw HTML kept)
// and reports what of hostile a reader would get as markup: an image, or
// a mention or reference in the text they see. Comments are not seen; an
// unclosed one would hide the rest, so the text must end with tail.
func rawMarkup(body, tail string) []string {
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe())).Convert([]byte(body), &out); err != nil {
		return []string{err.Error()}
	}
	rendered := out.String()
	var found []string
	if strings.Contains(rendered, "<img") {
		found = append(found, "an image")
	}
	seen := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(rendered, ""), ""))
	for _, s := range []string{"@acme/everyone", "see #1", "acme/infra#2"} {
		if strings.Contains(seen, s) {
			found = append(found, s)
		}
	}
	if !strings.Contains(seen, tail) {
		found = append(found, "a comment hiding the rest")
	}
	return found
}

// Issue #24, defects 2 and 4: a hub's name and an issue's title reached
// the dashboard raw (a `|` split its table; @team pinged a whole team), a
// description reached the issue body raw, and one holding steward's block
// end made every rewrite keep the old tail, so the body grew each time.
func TestWhatRequestersWriteReachesGitHubAsText(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.config.IncludeDescription = true
	w.fd.AddCompany(sandbox.FDCompany{ID: 9, Name: "Hub | " + hostile})
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Login loop", Description: hostile, Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}, CompanyID: 9})
	w.clock.Advance(time.Minute)
	w.sync()
	body := w.issues()[0].Body
	if raw := rawMarkup(body, "This issue mirrors a support ticket"); len(raw) > 0 {
		t.Errorf("the issue body carries %q as markup:\n%s", raw, body)
	}
	// Three more rewrites (a subject change each time) leave the body as
	// long as the content says, not growing.
	sizes := []int{len(body)}
	for i := range 3 {
		w.clock.Advance(time.Hour)
		w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Subject = fmt.Sprint("Login loop ", i) })
		w.sync()
		sizes = append(sizes, len(w.issues()[0].Body))
	}
	if sizes[3] > sizes[0]+10 {
		t.Errorf("the body grows with each rewrite: %v bytes", sizes)
	}
	if _, st, ok := mirror.TicketOf(w.issues()[0].Body); !ok || st.Ticket != id {
		t.Errorf("the marker no longer names ticket %d", id)
	}
}

func TestTheDashboardShowsTitlesAndHubsAsText(t *testing.T) {
	w := newTriageWorld(t)
	w.fd.AddCompany(sandbox.FDCompany{ID: 9, Name: "a | b " + hostile})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "x", Priority: 2, CompanyID: 9, CreatedAt: triageNow.Add(-time.Hour)})
	n := w.g.CreateIssue("open-infra", "support", "grace", hostile, "", "support")
	if _, err := w.triage().Remind(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	for _, is := range w.g.Issues("open-infra", "support") {
		if is.Number == n || !strings.Contains(is.Body, "steward:dashboard") {
			continue
		}
		if raw := rawMarkup(is.Body, "Next to be asked"); len(raw) > 0 {
			t.Errorf("the dashboard carries %q as markup:\n%s", raw, is.Body)
		}
		for _, l := range strings.Split(is.Body, "\n") {
			if strings.Contains(l, "a \\| b") && strings.Count(l, " | ")-strings.Count(l, `\| `) > 6 {
				t.Errorf("a hub's | splits the table row: %s", l)
			}
		}
		return
	}
	t.Fatal("no dashboard")
}

// Issue #24, defect 3: a requester's reply quoting steward's marker kept
// the resolved message from being sent.
func TestARequestersReplyCannotSilenceTheResolvedMessage(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	r, _, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r.Communication.Resolved = &roster.Message{Mode: roster.Send, Template: "Hello, about ticket {{ticket_id}}: {{summary}}"}
	w.roster = r
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Kernels die", Tags: []string{"engineering"}})
	w.settle(3)
	w.fd.CustomerReply(id, "thanks "+mirror.ResolvedMessageMarker(id)+" "+fmt.Sprintf("<!-- steward:link issue=%d -->", 1))
	w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
	w.settle(3)
	var told bool
	for _, c := range w.fd.Conversations(id) {
		told = told || (!c.Incoming && !c.Private && strings.Contains(c.Body, "about ticket"))
	}
	if !told {
		t.Errorf("the requester was not told what was done: %+v", w.fd.Conversations(id))
	}
}

// Issue #24, defect 3: anyone's comment holding steward's ask marker for
// an engineer stopped routing from asking them.
func TestAForgedAskMarkerIsText(t *testing.T) {
	w := newTriageWorld(t)
	n := w.g.CreateIssue("open-infra", "support", "grace", "Cluster autoscaler stuck", "", "support", "kubernetes")
	ctx := context.Background()
	plan, err := w.triage().Route(ctx, n, true)
	if err != nil || plan.Choice == nil {
		t.Fatalf("%+v %v", plan, err)
	}
	who := plan.Choice.GitHub
	w.g.HumanComment("open-infra", "support", n, "mallory", "nothing to see <!-- steward:asked @"+strings.ToLower(who)+" -->")
	res, err := w.triage().Route(ctx, n, false)
	if err != nil || res.Choice == nil || res.Choice.GitHub != who {
		t.Fatalf("%+v %v", res, err)
	}
	is := w.g.Issues("open-infra", "support")[n-1]
	if len(is.Comments) != 2 || !strings.Contains(is.Comments[1], "@"+who+", could you take this support issue?") {
		t.Errorf("@%s was assigned but not asked: %q", who, is.Comments)
	}
}

// Issue #24, defect 6: a fork's pull request made the App post the
// roster's text raw in its check comment.
func TestAForksRosterReachesTheCheckCommentAsText(t *testing.T) {
	w := newRotWorld(t, "2026-11-26")
	evil := strings.Replace(string(w.roster), "engineers:\n", "engineers:\n  - {name: \"Zed <img src=x> @acme/everyone\", github: zed}\n", 1)
	n := openRosterPR(t, w, "fork-edit", evil)
	res, err := w.rot.CheckRoster(context.Background(), "main", "fork-edit", n)
	if err != nil {
		t.Fatal(err)
	}
	var comment string
	for _, is := range w.g.Issues("open-infra", "support") {
		if is.Number == n && len(is.Comments) > 0 {
			comment = is.Comments[0]
		}
	}
	if !strings.Contains(res.Summary, "Zed") || comment == "" {
		t.Fatalf("the change is not in the check: %q %q", res.Summary, comment)
	}
	for _, body := range []string{res.Summary, comment} {
		if raw := rawMarkup(body, "Shifts per engineer"); len(raw) > 0 {
			t.Errorf("the fork's text reached the comment as markup %q:\n%s", raw, body)
		}
	}
}

var _ = usecase.DashboardLabel
