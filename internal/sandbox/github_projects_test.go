package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// gqlAnswer is a GraphQL answer with its errors' paths.
type gqlAnswer struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Type, Message string
		Path          []any
	}
	// Message is a non-GraphQL answer's message (a 502 or 504).
	Message string
}

func gqlDo(t *testing.T, base, query string, vars map[string]any) gqlAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := gqlAnswer{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

// projectWorld is a repository with n issues, each an item of project 7,
// whose fields are fields; it returns the base URL, the project's id, its
// fields' ids by name, their options' ids by "field/option", and the items.
func projectWorld(t *testing.T, o GitHubOptions, n int, fields ...ProjectField) (g *GitHub, base, project string, fieldID, option map[string]string, items []string) {
	t.Helper()
	o.ContentPerMinute, o.ContentPerHour = 1_000_000, 1_000_000
	g, client, _, _ := newGH(t, o)
	base = strings.TrimSuffix(client.BaseURL.String(), "/")
	g.AddRepo("acme", "support", "main", nil)
	g.AddProject("acme", 7, "Sprint board", fields...)
	p := g.projects["acme/7"]
	project = p.id
	fieldID, option = map[string]string{}, map[string]string{}
	for _, f := range p.fields {
		fieldID[f.name] = f.id
		for _, o := range f.options {
			option[f.name+"/"+o.name] = o.id
		}
		for _, it := range f.iterations {
			option[f.name+"/"+it.title] = it.id
		}
	}
	for i := range n {
		is, _, err := client.Issues.Create(context.Background(), "acme", "support", &github.IssueRequest{Title: github.String(fmt.Sprint("issue ", i))})
		if err != nil {
			t.Fatal(err)
		}
		a := gqlDo(t, base, `mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } }`,
			map[string]any{"p": project, "c": is.GetNodeID()})
		if len(a.Errors) > 0 {
			t.Fatalf("adding: %+v", a.Errors)
		}
		items = append(items, dig(a.Data, "addProjectV2ItemById", "item", "id").(string))
	}
	return g, base, project, fieldID, option, items
}

// setStatusDocument sets Status on every item, one aliased mutation each
// (s0, s1, ...).
func setStatusDocument(project, field, opt string, items []string) (string, map[string]any) {
	var b strings.Builder
	b.WriteString("mutation($p: ID!, $f: ID!, $v: ProjectV2FieldValue!")
	vars := map[string]any{"p": project, "f": field, "v": map[string]any{"singleSelectOptionId": opt}}
	for i, it := range items {
		fmt.Fprintf(&b, ", $i%d: ID!", i)
		vars[fmt.Sprint("i", i)] = it
	}
	b.WriteString(") {\n")
	for i := range items {
		fmt.Fprintf(&b, "  s%d: updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i%d, fieldId: $f, value: $v}) { projectV2Item { id } }\n", i, i)
	}
	b.WriteString("}")
	return b.String(), vars
}

// A long aliased mutation document is cut short with some of its mutations
// applied: GitHub runs a document's mutations in order until its resource
// limits or its 10-second timeout stop it ("Resource limits for this query
// exceeded", Skydio/revup#271; shurcooL/githubv4#17), and answers either
// 200 with what ran in data and an error for each mutation that did not,
// or a 502/504 saying nothing of what ran. github/github-mcp-server sends
// project mutations 20 at a time; the sandbox lets a document run 20.
func TestALongMutationDocumentIsCutShortWithSomeApplied(t *testing.T) {
	status := ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}}
	g, base, project, fieldID, option, items := projectWorld(t, GitHubOptions{}, 30, status)
	doc, vars := setStatusDocument(project, fieldID["Status"], option["Status/Done"], items)
	a := gqlDo(t, base, doc, vars)
	if a.Status != 200 {
		t.Fatalf("status %d", a.Status)
	}
	for i, it := range items {
		alias := fmt.Sprint("s", i)
		ran := dig(a.Data, alias, "projectV2Item", "id") == it
		if ran != (i < 20) {
			t.Errorf("%s: in data %v (%v), want the first 20 only", alias, ran, a.Data[alias])
		}
	}
	if len(a.Errors) != 10 {
		t.Fatalf("%d errors, want one for each of the 10 mutations not run: %+v", len(a.Errors), a.Errors)
	}
	for i, e := range a.Errors {
		if e.Type != "RESOURCE_LIMITS_EXCEEDED" || len(e.Path) != 1 || e.Path[0] != fmt.Sprint("s", 20+i) {
			t.Errorf("error %d: %+v", i, e)
		}
	}
	for i, it := range g.ProjectItems("acme", 7) {
		if done := it.Values["Status"] == "Done"; done != (i < 20) {
			t.Errorf("item %d: Status %q; only the first 20 mutations ran", i, it.Values["Status"])
		}
	}

	// Answered 504: nothing says what ran, yet the first 20 did.
	g, base, project, fieldID, option, items = projectWorld(t, GitHubOptions{MutationTimeoutStatus: 504}, 30, status)
	doc, vars = setStatusDocument(project, fieldID["Status"], option["Status/Done"], items)
	a = gqlDo(t, base, doc, vars)
	if a.Status != 504 || a.Data != nil || !strings.Contains(a.Message, "couldn't respond to your request in time") {
		t.Errorf("a 504: %+v", a)
	}
	done := 0
	for _, it := range g.ProjectItems("acme", 7) {
		if it.Values["Status"] == "Done" {
			done++
		}
	}
	if done != 20 {
		t.Errorf("%d items Done after the 504, want the 20 that ran", done)
	}

	// Twenty run whole.
	g, base, project, fieldID, option, items = projectWorld(t, GitHubOptions{}, 20, status)
	doc, vars = setStatusDocument(project, fieldID["Status"], option["Status/Done"], items)
	if a := gqlDo(t, base, doc, vars); a.Status != 200 || len(a.Errors) != 0 || g.ProjectItems("acme", 7)[19].Values["Status"] != "Done" {
		t.Errorf("20 mutations: %+v", a)
	}
}

// fieldValues lists an item's values by field position and honours first:
// on a board with more fields than first, late fields fall outside it.
// fieldValueByName reads one field's value whatever its position
// (GitHub's schema: "the field value of the first project field which
// matches the 'name' argument that is set on the item").
func TestFieldValueByNameReadsAFieldBeyondFirst(t *testing.T) {
	var fields []ProjectField
	for i := range 23 {
		fields = append(fields, ProjectField{Name: fmt.Sprint("Area ", i), Type: "SINGLE_SELECT", Options: []string{"yes"}})
	}
	fields = append(fields, ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		ProjectField{Name: "Sprint", Type: "ITERATION", Iterations: []ProjectIteration{{Title: "Sprint 1", StartDate: "2026-11-02", Duration: 14}}})
	g, base, project, fieldID, option, items := projectWorld(t, GitHubOptions{}, 1, fields...)
	set := func(field string, value map[string]any) {
		a := gqlDo(t, base, `mutation($p: ID!, $i: ID!, $f: ID!, $v: ProjectV2FieldValue!) {
  updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: $v}) { projectV2Item { id } } }`,
			map[string]any{"p": project, "i": items[0], "f": fieldID[field], "v": value})
		if len(a.Errors) > 0 {
			t.Fatalf("%s: %+v", field, a.Errors)
		}
	}
	for i := range 23 {
		set(fmt.Sprint("Area ", i), map[string]any{"singleSelectOptionId": option[fmt.Sprint("Area ", i, "/yes")]})
	}
	set("Status", map[string]any{"singleSelectOptionId": option["Status/Done"]})
	set("Sprint", map[string]any{"iterationId": option["Sprint/Sprint 1"]})

	// fieldValues is not among the documents steward sends (the trimmed
	// schema leaves it out), so its resolver is asked directly.
	g.mu.Lock()
	p := g.projects["acme/7"]
	conn, err := g.gqlItem(p, p.items[0]).fields["fieldValues"](map[string]any{"first": int64(20)})
	var names []string
	if err == nil {
		nodes, _ := conn.(*gqlObject).fields["nodes"](nil)
		for _, n := range nodes.([]*gqlObject) {
			f, _ := n.fields["field"](nil)
			name, _ := f.(*gqlObject).fields["name"](nil)
			names = append(names, name.(string))
		}
	}
	g.mu.Unlock()
	if err != nil || len(names) != 20 || names[0] != "Area 0" || names[19] != "Area 19" {
		t.Errorf("fieldValues(first: 20): %v %v", names, err)
	}

	a := gqlDo(t, base, `query($id: ID!) { node(id: $id) { ... on ProjectV2Item {
  status: fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { optionId } }
  sprint: fieldValueByName(name: "Sprint") { ... on ProjectV2ItemFieldIterationValue { iterationId } }
  lower: fieldValueByName(name: "status") { ... on ProjectV2ItemFieldSingleSelectValue { optionId } }
  none: fieldValueByName(name: "Estimate") { ... on ProjectV2ItemFieldSingleSelectValue { optionId } }
} } }`, map[string]any{"id": items[0]})
	if len(a.Errors) > 0 {
		t.Fatalf("%+v", a.Errors)
	}
	if dig(a.Data, "node", "status", "optionId") != option["Status/Done"] {
		t.Errorf("fieldValueByName Status: %v", dig(a.Data, "node", "status"))
	}
	if dig(a.Data, "node", "sprint", "iterationId") != option["Sprint/Sprint 1"] {
		t.Errorf("fieldValueByName Sprint: %v", dig(a.Data, "node", "sprint"))
	}
	for _, k := range []string{"none", "lower"} {
		if v, ok := dig(a.Data, "node").(map[string]any)[k]; !ok || v != nil {
			t.Errorf("%s: %v, want null (the sandbox matches names exactly, the stricter reading)", k, v)
		}
	}
}

// archiveProjectV2Item takes an item out of the board's views; it stays
// in the project with isArchived true, and the items connection still
// lists it (clients skip it: suzuki-shunsuke/ghproj's ListItems drops
// IsArchived nodes of items(first: 100)). An archived item cannot be
// updated ("The item is archived and cannot be updated", gr2m/github-project#96).
// Adding its issue again answers the archived item; unarchiving restores it.
func TestArchivedItems(t *testing.T) {
	status := ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}}
	g, base, project, fieldID, option, items := projectWorld(t, GitHubOptions{}, 2, status)
	archive := func(mutation, item string) gqlAnswer {
		return gqlDo(t, base, fmt.Sprintf(`mutation($p: ID!, $i: ID!) { %s(input: {projectId: $p, itemId: $i}) { item { id isArchived } } }`, mutation),
			map[string]any{"p": project, "i": item})
	}
	a := archive("archiveProjectV2Item", items[0])
	if len(a.Errors) > 0 || dig(a.Data, "archiveProjectV2Item", "item", "isArchived") != true {
		t.Fatalf("archive: %+v", a)
	}
	list := gqlDo(t, base, `query($p: ID!) { node(id: $p) { ... on ProjectV2 { items(first: 100) { nodes { id isArchived } } } } }`, map[string]any{"p": project})
	nodes, _ := dig(list.Data, "node", "items", "nodes").([]any)
	if len(nodes) != 2 || dig(nodes[0], "isArchived") != true || dig(nodes[1], "isArchived") != false {
		t.Errorf("items: %v", nodes)
	}
	if b := g.ProjectItems("acme", 7); !b[0].Archived || b[1].Archived {
		t.Errorf("ProjectItems: %+v", b)
	}
	doc, vars := setStatusDocument(project, fieldID["Status"], option["Status/Done"], items[:1])
	if a := gqlDo(t, base, doc, vars); len(a.Errors) != 1 || !strings.Contains(a.Errors[0].Message, "archived") || dig(a.Data, "s0") != nil {
		t.Errorf("updating an archived item: %+v", a)
	}
	issue := g.repos["acme/support"].issues[0]
	again := gqlDo(t, base, `mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id isArchived } } }`,
		map[string]any{"p": project, "c": nodeID("I", issue.id)})
	if dig(again.Data, "addProjectV2ItemById", "item", "id") != items[0] || dig(again.Data, "addProjectV2ItemById", "item", "isArchived") != true {
		t.Errorf("adding an archived item's issue: %+v", again)
	}
	if a := archive("unarchiveProjectV2Item", items[0]); len(a.Errors) > 0 || dig(a.Data, "unarchiveProjectV2Item", "item", "isArchived") != false {
		t.Errorf("unarchive: %+v", a)
	}
	if a := gqlDo(t, base, doc, vars); len(a.Errors) != 0 {
		t.Errorf("updating the restored item: %+v", a.Errors)
	}
}
