package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/gh"
)

var update = flag.Bool("update", false, "rewrite testdata made from the code")

// documentsFile renders every document steward sends, by name: the input
// scripts/extract-github-reference.sh trims GitHub's schema to.
func documentsFile() string {
	docs := gh.Documents()
	var names []string
	for n := range docs {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(docs[n])
		b.WriteString("\n\n")
	}
	return b.String()
}

func TestGraphQLDocumentsFile(t *testing.T) {
	path := "testdata/github-documents.graphql"
	if *update {
		if err := os.WriteFile(path, []byte(documentsFile()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != documentsFile() {
		t.Error("internal/gh's GraphQL documents changed: run scripts/extract-github-reference.sh to re-trim GitHub's schema to them")
	}
}

func TestEveryDocumentStewardSendsValidates(t *testing.T) {
	for name, doc := range gh.Documents() {
		if err := ValidateGraphQL(doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !strings.Contains(githubSchema, "@octokit/graphql-schema@15.26.1") || !strings.Contains(githubSchema, "EnterpriseOwnerInfo.repositoryDeployKeySetting") {
		t.Error("the trimmed schema does not name its source and the repeats it dropped")
	}
	for name, doc := range map[string]string{
		"an unknown field":         `query { organization(login: "a") { projectV2(number: 1) { colour } } }`,
		"a missing argument":       `query { organization(login: "a") { projectV2 { id } } }`,
		"an argument of bad type":  `query { organization(login: "a") { projectV2(number: "one") { id } } }`,
		"a fragment on a stranger": `query { organization(login: "a") { ... on ProjectV2 { id } } }`,
		"not GraphQL":              `{ organization(`,
	} {
		if ValidateGraphQL(doc) == nil {
			t.Errorf("%s validates", name)
		}
	}
}

type gqlResp struct {
	Data   map[string]any
	Errors []struct{ Type, Message string }
}

func gqlPost(t *testing.T, base, query string, vars map[string]any) (int, gqlResp) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResp
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestProjectsV2(t *testing.T) {
	g, client, _, _ := newGH(t, GitHubOptions{ContentPerMinute: 1000, ContentPerHour: 1000})
	base := strings.TrimSuffix(client.BaseURL.String(), "/")
	g.AddRepo("acme", "support", "main", nil)
	g.AddProject("acme", 7, "Sprint board",
		ProjectField{Name: "Title", Type: "TEXT"},
		ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "In Progress", "Done"}},
		ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		ProjectField{Name: "Sprint", Type: "ITERATION", Iterations: []ProjectIteration{
			{Title: "Sprint 22", StartDate: "2026-11-16", Duration: 14}, {Title: "Sprint 23", StartDate: "2026-11-30", Duration: 14}}},
	)
	ctx := context.Background()
	var nodeIDs []string
	for i := range 150 {
		is, _, err := client.Issues.Create(ctx, "acme", "support", &github.IssueRequest{Title: github.String(fmt.Sprint("issue ", i))})
		if err != nil {
			t.Fatal(err)
		}
		nodeIDs = append(nodeIDs, is.GetNodeID())
	}

	names := map[string]any{"statusField": "Status", "priorityField": "Priority", "iterationField": "Sprint"}
	status, r := gqlPost(t, base, gh.QueryFindProject, map[string]any{"owner": "acme", "number": 7,
		"statusField": "Status", "priorityField": "Priority", "iterationField": "Sprint"})
	if status != 200 || len(r.Errors) > 0 {
		t.Fatalf("FindProject: %d %+v", status, r.Errors)
	}
	project := dig(r.Data, "organization", "projectV2")
	projectID := dig(project, "id").(string)
	fieldID := map[string]string{}
	option := map[string]string{}
	for _, f := range dig(project, "fields", "nodes").([]any) {
		name := dig(f, "name").(string)
		fieldID[name] = dig(f, "id").(string)
		if opts, ok := dig(f, "options").([]any); ok {
			for _, o := range opts {
				option[name+"/"+dig(o, "name").(string)] = dig(o, "id").(string)
			}
		}
		if its, ok := dig(f, "configuration", "iterations").([]any); ok {
			for _, it := range its {
				option[name+"/"+dig(it, "title").(string)] = dig(it, "id").(string)
			}
		}
	}
	if len(fieldID) != 4 || option["Status/Todo"] == "" || option["Sprint/Sprint 23"] == "" || dig(project, "fields", "nodes", 3, "dataType") != "ITERATION" {
		t.Fatalf("fields %v options %v", fieldID, option)
	}

	add := func(contentID string) string {
		_, r := gqlPost(t, base, gh.MutationAddItem, map[string]any{"projectId": projectID, "contentId": contentID})
		if len(r.Errors) > 0 {
			t.Fatalf("AddItem: %+v", r.Errors)
		}
		return dig(r.Data, "addProjectV2ItemById", "item", "id").(string)
	}
	var items []string
	for _, id := range nodeIDs {
		items = append(items, add(id))
	}
	if again := add(nodeIDs[0]); again != items[0] {
		t.Errorf("adding twice gave %s then %s; GitHub returns the existing item", items[0], again)
	}
	set := func(item, field string, value map[string]any) []struct{ Type, Message string } {
		_, r := gqlPost(t, base, gh.MutationSetField, map[string]any{"projectId": projectID, "itemId": item, "fieldId": fieldID[field], "value": value})
		return r.Errors
	}
	last := items[149]
	for _, e := range [][]struct{ Type, Message string }{
		set(last, "Status", map[string]any{"singleSelectOptionId": option["Status/Todo"]}),
		set(last, "Priority", map[string]any{"singleSelectOptionId": option["Priority/Urgent"]}),
		set(last, "Sprint", map[string]any{"iterationId": option["Sprint/Sprint 23"]}),
	} {
		if len(e) > 0 {
			t.Fatalf("SetField: %+v", e)
		}
	}
	if e := set(last, "Status", map[string]any{"singleSelectOptionId": option["Priority/Low"]}); len(e) == 0 {
		t.Error("an option of another field was accepted")
	}
	if _, r := gqlPost(t, base, gh.MutationMoveToTop, map[string]any{"projectId": projectID, "itemId": last}); len(r.Errors) > 0 {
		t.Fatalf("MoveToTop: %+v", r.Errors)
	}
	board := g.ProjectItems("acme", 7)
	if len(board) != 150 || board[0].ID != last || board[0].Issue != "acme/support#150" ||
		board[0].Values["Status"] != "Todo" || board[0].Values["Priority"] != "Urgent" || board[0].Values["Sprint"] != "Sprint 23" {
		t.Errorf("board top: %+v (%d items)", board[0], len(board))
	}

	// One aliased document sets several fields and moves the item in one
	// request; @include leaves out what is not asked for.
	const setItem = `mutation SetItem($projectId: ID!, $itemId: ID!,
  $statusField: ID!, $status: ProjectV2FieldValue!, $setStatus: Boolean!,
  $priorityField: ID!, $priority: ProjectV2FieldValue!, $setPriority: Boolean!,
  $iterationField: ID!, $iteration: ProjectV2FieldValue!, $setIteration: Boolean!,
  $afterId: ID, $move: Boolean!) {
  status: updateProjectV2ItemFieldValue(input: {projectId: $projectId, itemId: $itemId, fieldId: $statusField, value: $status}) @include(if: $setStatus) {
    projectV2Item { id }
  }
  priority: updateProjectV2ItemFieldValue(input: {projectId: $projectId, itemId: $itemId, fieldId: $priorityField, value: $priority}) @include(if: $setPriority) {
    projectV2Item { id }
  }
  iteration: updateProjectV2ItemFieldValue(input: {projectId: $projectId, itemId: $itemId, fieldId: $iterationField, value: $iteration}) @include(if: $setIteration) {
    projectV2Item { id }
  }
  position: updateProjectV2ItemPosition(input: {projectId: $projectId, itemId: $itemId, afterId: $afterId}) @include(if: $move) {
    clientMutationId
  }
}`
	second := items[148]
	g.Ledger().Reset()
	_, r = gqlPost(t, base, setItem, map[string]any{"projectId": projectID, "itemId": second,
		"statusField": fieldID["Status"], "status": map[string]any{"singleSelectOptionId": option["Status/Todo"]}, "setStatus": true,
		"priorityField": fieldID["Priority"], "priority": map[string]any{"singleSelectOptionId": option["Priority/High"]}, "setPriority": true,
		"iterationField": fieldID["Sprint"], "iteration": map[string]any{}, "setIteration": false,
		"afterId": last, "move": true})
	if len(r.Errors) > 0 {
		t.Fatalf("SetItem: %+v", r.Errors)
	}
	if _, ok := r.Data["iteration"]; ok || dig(r.Data, "status", "projectV2Item", "id") != second || dig(r.Data, "priority", "projectV2Item", "id") != second {
		t.Errorf("SetItem answered %v", r.Data)
	}
	board = g.ProjectItems("acme", 7)
	if n := g.Ledger().Len(); n != 1 || board[1].ID != second || board[1].Values["Status"] != "Todo" || board[1].Values["Priority"] != "High" || board[1].Values["Sprint"] != "" {
		t.Errorf("after SetItem (%d requests) the second item is %+v", n, board[1])
	}

	// Listing pages through 100 at a time.
	var listed []string
	var cursor any
	pages := 0
	for {
		_, r := gqlPost(t, base, gh.QueryListItems, map[string]any{"projectId": projectID, "cursor": cursor,
			"statusField": "Status", "priorityField": "Priority", "iterationField": "Sprint"})
		if len(r.Errors) > 0 {
			t.Fatalf("ListItems: %+v", r.Errors)
		}
		conn := dig(r.Data, "node", "items")
		for _, n := range dig(conn, "nodes").([]any) {
			listed = append(listed, dig(n, "id").(string))
		}
		pages++
		if dig(conn, "pageInfo", "hasNextPage") != true {
			break
		}
		cursor = dig(conn, "pageInfo", "endCursor")
	}
	if len(listed) != 150 || pages != 2 || listed[0] != last {
		t.Errorf("listed %d items in %d pages, first %s", len(listed), pages, listed[0])
	}
	names["projectId"] = projectID
	_, r = gqlPost(t, base, gh.QueryListItems, names)
	top := dig(r.Data, "node", "items", "nodes", 0)
	if dig(top, "content", "number") != float64(150) || dig(top, "content", "repository", "nameWithOwner") != "acme/support" ||
		dig(top, "isArchived") != false ||
		dig(top, "status", "optionId") != option["Status/Todo"] || dig(top, "priority", "optionId") != option["Priority/Urgent"] ||
		dig(top, "iteration", "iterationId") != option["Sprint/Sprint 23"] {
		t.Errorf("the top item reads %v", top)
	}
	if third := dig(r.Data, "node", "items", "nodes", 2); dig(third, "status") != nil || dig(third, "iteration") != nil {
		t.Errorf("an item with no values reads %v", third)
	}
}

func TestGraphQLErrorsAreGitHubs(t *testing.T) {
	_, client, _, _ := newGH(t, GitHubOptions{RateLimit: 2})
	base := strings.TrimSuffix(client.BaseURL.String(), "/")
	status, r := gqlPost(t, base, gh.QueryFindProject, map[string]any{"owner": "nobody", "number": 1,
		"statusField": "Status", "priorityField": "Priority", "iterationField": "Iteration"})
	if status != 200 || len(r.Errors) != 1 || r.Errors[0].Type != "NOT_FOUND" || dig(r.Data, "organization") != nil {
		t.Errorf("a missing organization: %d %+v %v", status, r.Errors, r.Data)
	}
	status, r = gqlPost(t, base, `query { organization(login: "x") { colour } }`, nil)
	if status != 200 || len(r.Errors) == 0 || r.Data != nil {
		t.Errorf("an invalid document: %d %+v", status, r)
	}
	status, r = gqlPost(t, base, `query { organization(login: "x") { id } }`, nil)
	if status != 200 || len(r.Errors) != 1 || r.Errors[0].Type != "RATE_LIMITED" {
		t.Errorf("over the GraphQL limit: %d %+v", status, r.Errors)
	}
}

func TestMergingAPullRequestClosesTheIssuesItFixes(t *testing.T) {
	g, client, _, _ := newGH(t, GitHubOptions{})
	base := strings.TrimSuffix(client.BaseURL.String(), "/")
	g.AddRepo("acme", "support", "main", map[string]string{"a.txt": "a\n"})
	n := g.CreateIssue("acme", "support", "x", "Hub down", "")
	ctx := context.Background()
	ref, _, _ := client.Git.GetRef(ctx, "acme", "support", "heads/main")
	client.Git.CreateRef(ctx, "acme", "support", &github.Reference{Ref: github.String("refs/heads/fix"), Object: &github.GitObject{SHA: ref.Object.SHA}})
	client.Repositories.CreateFile(ctx, "acme", "support", "b.txt", &github.RepositoryContentFileOptions{Message: github.String("fix"), Content: []byte("b"), Branch: github.String("fix")})
	pr, _, err := client.PullRequests.Create(ctx, "acme", "support", &github.NewPullRequest{Title: github.String("Restart the hub"), Head: github.String("fix"), Base: github.String("main"), Body: github.String(fmt.Sprintf("Fixes #%d", n))})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.MergePull("acme", "support", pr.GetNumber(), "grace"); err != nil {
		t.Fatal(err)
	}
	is := g.Issues("acme", "support")[n-1]
	if is.State != "closed" || is.StateReason != "completed" || is.ClosedBy != "grace" {
		t.Errorf("issue after the merge: %+v", is)
	}
	_, r := gqlPost(t, base, gh.QueryClosingPulls, map[string]any{"owner": "acme", "repo": "support", "number": n})
	if len(r.Errors) > 0 || dig(r.Data, "repository", "issue", "closedByPullRequestsReferences", "nodes", 0, "number") != float64(pr.GetNumber()) ||
		dig(r.Data, "repository", "issue", "closedByPullRequestsReferences", "nodes", 0, "author", "login") != "steward-bot" {
		t.Errorf("closing pulls: %+v %v", r.Errors, r.Data)
	}
	if content, _ := g.File("acme", "support", "main", "b.txt"); content != "b" {
		t.Errorf("main after the merge lacks b.txt")
	}
}

// GitHub's limits on content creation count GraphQL mutations as well as
// REST writes; GraphQL reads are not content.
func TestGraphQLMutationsCountAsContentCreation(t *testing.T) {
	_, client, _, _ := newGH(t, GitHubOptions{ContentPerMinute: 2})
	base := strings.TrimSuffix(client.BaseURL.String(), "/")
	mutation := `mutation { addProjectV2ItemById(input: {projectId: "PVT_none", contentId: "I_none"}) { item { id } } }`
	for i := range 2 {
		if status, r := gqlPost(t, base, mutation, nil); status != 200 || len(r.Errors) != 1 || r.Errors[0].Type != "NOT_FOUND" {
			t.Fatalf("mutation %d within the limit: %d %+v", i, status, r.Errors)
		}
	}
	for range 3 {
		if status, r := gqlPost(t, base, `query { organization(login: "nobody") { id } }`, nil); status != 200 || len(r.Errors) != 1 || r.Errors[0].Type != "NOT_FOUND" {
			t.Fatalf("a read past the content limit: %d %+v", status, r.Errors)
		}
	}
	if status, _ := gqlPost(t, base, mutation, nil); status != http.StatusForbidden {
		t.Errorf("a third mutation within the minute: %d, want 403", status)
	}
	if _, _, err := client.Issues.Create(context.Background(), "acme", "widgets", &github.IssueRequest{Title: github.String("x")}); err == nil || !strings.Contains(err.Error(), "secondary rate limit") {
		t.Errorf("a REST write after two mutations: %v", err)
	}
}
