package sandbox

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
)

// TestContractEveryOperation drives every REST operation the emulator serves
// through go-github v60, with every request and answer checked against
// GitHub's description, and fails if any operation went unchecked.
func TestContractEveryOperation(t *testing.T) {
	key, pemKey := appKey(t)
	g, client, c, _ := newGH(t, GitHubOptions{AppID: 12345, AppKey: &key.PublicKey})
	g.AddInstallation(777, "acme")
	g.AddRepo("acme", "support", "main", map[string]string{"roster.yaml": "version: 1\n"})
	g.AddTeam("acme", "stewards", "ada")
	g.AddUser("bob")
	ctx := context.Background()
	must := func(_ any, _ *github.Response, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustR := func(_ *github.Response, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	o, r := "acme", "support"

	must(client.Repositories.Get(ctx, o, r))
	must(client.Issues.CreateLabel(ctx, o, r, &github.Label{Name: github.String("support"), Color: github.String("d73a4a")}))
	must(client.Issues.ListLabels(ctx, o, r, nil))
	is, _, err := client.Issues.Create(ctx, o, r, &github.IssueRequest{Title: github.String("Hub down"), Body: github.String("<!-- steward:freshdesk acme/42 -->"),
		Labels: &[]string{"support", "priority: urgent"}, Assignees: &[]string{"ada"}})
	if err != nil {
		t.Fatal(err)
	}
	n := is.GetNumber()
	must(client.Issues.Get(ctx, o, r, n))
	must(client.Issues.ListByRepo(ctx, o, r, &github.IssueListByRepoOptions{Labels: []string{"support"}, State: "all"}))
	must(client.Issues.Edit(ctx, o, r, n, &github.IssueRequest{Title: github.String("Hub down for everyone")}))
	cm, _, err := client.Issues.CreateComment(ctx, o, r, n, &github.IssueComment{Body: github.String("on it")})
	if err != nil {
		t.Fatal(err)
	}
	must(client.Issues.EditComment(ctx, o, r, cm.GetID(), &github.IssueComment{Body: github.String("on it, @ada")}))
	must(client.Issues.ListComments(ctx, o, r, n, nil))
	must(client.Issues.AddLabelsToIssue(ctx, o, r, n, []string{"event"}))
	mustR(client.Issues.RemoveLabelForIssue(ctx, o, r, n, "event"))
	must(client.Issues.AddAssignees(ctx, o, r, n, []string{"bob"}))
	must(client.Issues.RemoveAssignees(ctx, o, r, n, []string{"ada"}))
	events, _, err := client.Issues.ListIssueEvents(ctx, o, r, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.GetEvent())
	}
	for _, want := range []string{"labeled", "assigned", "renamed", "unlabeled", "unassigned"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("events %v lack %s", kinds, want)
		}
	}
	must(client.Issues.Edit(ctx, o, r, n, &github.IssueRequest{State: github.String("closed"), StateReason: github.String("completed")}))

	// A branch, a commit, a pull request.
	ref, _, err := client.Git.GetRef(ctx, o, r, "heads/main")
	if err != nil {
		t.Fatal(err)
	}
	must(client.Git.CreateRef(ctx, o, r, &github.Reference{Ref: github.String("refs/heads/steward/rotation"), Object: &github.GitObject{SHA: ref.Object.SHA}}))
	file, _, _, err := client.Repositories.GetContents(ctx, o, r, "roster.yaml", &github.RepositoryContentGetOptions{Ref: "steward/rotation"})
	if err != nil {
		t.Fatal(err)
	}
	content, _ := file.GetContent()
	res, _, err := client.Repositories.UpdateFile(ctx, o, r, "roster.yaml", &github.RepositoryContentFileOptions{
		Message: github.String("Support Stewards: Ada joins"), Content: []byte(content + "shifts: []\n"),
		SHA: file.SHA, Branch: github.String("steward/rotation")})
	if err != nil {
		t.Fatal(err)
	}
	pr, _, err := client.PullRequests.Create(ctx, o, r, &github.NewPullRequest{Title: github.String("Support Stewards: Ada joins"),
		Head: github.String("steward/rotation"), Base: github.String("main"), Body: github.String("body")})
	if err != nil {
		t.Fatal(err)
	}
	must(client.PullRequests.RequestReviewers(ctx, o, r, pr.GetNumber(), github.ReviewersRequest{Reviewers: []string{"ada", "bob"}}))
	must(client.PullRequests.ListReviewers(ctx, o, r, pr.GetNumber(), nil))
	files, _, err := client.PullRequests.ListFiles(ctx, o, r, pr.GetNumber(), nil)
	if err != nil || len(files) != 1 || files[0].GetFilename() != "roster.yaml" || files[0].GetAdditions() != 1 {
		t.Errorf("pull request files: %v %+v", err, files)
	}
	must(client.PullRequests.List(ctx, o, r, &github.PullRequestListOptions{Head: "acme:steward/rotation", State: "open"}))
	must(client.PullRequests.Get(ctx, o, r, pr.GetNumber()))
	must(client.PullRequests.Edit(ctx, o, r, pr.GetNumber(), &github.PullRequest{Body: github.String("new body")}))
	// Rebase the branch: a forced ref update.
	must(client.Git.UpdateRef(ctx, o, r, &github.Reference{Ref: github.String("refs/heads/steward/rotation"), Object: &github.GitObject{SHA: res.Commit.SHA}}, true))
	// A new file is 201.
	must(client.Repositories.CreateFile(ctx, o, r, "calendar.ics", &github.RepositoryContentFileOptions{
		Message: github.String("calendar"), Content: []byte("BEGIN:VCALENDAR\r\n"), Branch: github.String("steward/rotation")}))

	// Checks and statuses on the head.
	head := res.Commit.GetSHA()
	run, _, err := client.Checks.CreateCheckRun(ctx, o, r, github.CreateCheckRunOptions{Name: "roster", HeadSHA: head, Status: github.String("in_progress")})
	if err != nil {
		t.Fatal(err)
	}
	must(client.Checks.UpdateCheckRun(ctx, o, r, run.GetID(), github.UpdateCheckRunOptions{Name: "roster", Conclusion: github.String("failure"),
		Output: &github.CheckRunOutput{Title: github.String("1 error"), Summary: github.String("roster.yaml has an error"),
			Annotations: []*github.CheckRunAnnotation{{Path: github.String("roster.yaml"), StartLine: github.Int(3), EndLine: github.Int(3),
				AnnotationLevel: github.String("failure"), Message: github.String(`"ada" is already used`)}}}}))
	must(client.Checks.ListCheckRunsForRef(ctx, o, r, head, nil))
	must(client.Repositories.CreateStatus(ctx, o, r, head, &github.RepoStatus{State: github.String("failure"), Context: github.String("steward/roster")}))
	must(client.Repositories.ListStatuses(ctx, o, r, head, nil))

	// Team membership, search, rate limit.
	must(client.Teams.AddTeamMembershipBySlug(ctx, o, "stewards", "bob", &github.TeamAddTeamMembershipOptions{Role: "member"}))
	mustR(client.Teams.RemoveTeamMembershipBySlug(ctx, o, "stewards", "ada"))
	members, _, err := client.Teams.ListTeamMembersBySlug(ctx, o, "stewards", nil)
	if err != nil || len(members) != 1 || members[0].GetLogin() != "bob" {
		t.Errorf("team members: %v %v", err, members)
	}
	must(client.Search.Issues(ctx, "repo:acme/support label:support", nil))
	must(client.RateLimit.Get(ctx))

	// The App finds its installation for the repository, then mints a token.
	atr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, 12345, pemKey)
	if err != nil {
		t.Fatal(err)
	}
	apps := github.NewClient(&http.Client{Transport: atr})
	apps.BaseURL = client.BaseURL
	inst, _, err := apps.Apps.FindRepositoryInstallation(ctx, o, r)
	if err != nil || inst.GetID() != 777 {
		t.Fatalf("installation: %v %v", err, inst.GetID())
	}
	// An App installation token, as ghinstallation asks for it.
	itr, err := ghinstallation.New(http.DefaultTransport, 12345, 777, pemKey)
	if err != nil {
		t.Fatal(err)
	}
	itr.BaseURL = strings.TrimSuffix(client.BaseURL.String(), "/")
	if _, err := itr.Token(ctx); err != nil {
		t.Fatal(err)
	}

	for _, op := range operations(t) {
		if c.ok[op] == 0 {
			t.Errorf("operation %s was never answered 2xx under the contract check", op)
		}
	}
}
