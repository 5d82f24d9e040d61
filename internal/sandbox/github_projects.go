package sandbox

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// ProjectField describes a Projects v2 field for AddProject.
type ProjectField struct {
	Name string
	// Type is SINGLE_SELECT, ITERATION or TEXT.
	Type       string
	Options    []string
	Iterations []ProjectIteration
}

// ProjectIteration is one iteration of an iteration field.
type ProjectIteration struct {
	Title     string
	StartDate string // YYYY-MM-DD
	Duration  int    // days
}

// ProjectItem is a read-only view of a board item, for tests.
type ProjectItem struct {
	ID string
	// Issue is "owner/repo#number".
	Issue string
	// Values maps a field name to its option name or iteration title.
	Values map[string]string
	// Archived is true for an item archived out of the board's views.
	Archived bool
}

type ghProject struct {
	id     string
	owner  string
	number int
	title  string
	fields []*ghField
	items  []*ghItem // in board order, the top first
}

type ghField struct {
	id         string
	name       string
	dataType   string
	options    []ghOption
	iterations []ghIterationDef
}

type ghOption struct{ id, name string }

type ghIterationDef struct {
	id, title, start string
	duration         int
}

type ghItem struct {
	id       string
	issue    *ghIssue
	repo     *ghRepo
	values   map[string]string // field id -> option or iteration id
	archived bool
}

func shortID(prefix string, n int64) string {
	return prefix + "_" + base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(n, 36)))
}

// AddProject creates organization project number with its fields.
func (g *GitHub) AddProject(owner string, number int, title string, fields ...ProjectField) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.user(owner).typ = "Organization"
	p := &ghProject{id: shortID("PVT", g.id()), owner: owner, number: number, title: title}
	for _, f := range fields {
		gf := &ghField{name: f.Name, dataType: f.Type}
		switch f.Type {
		case "SINGLE_SELECT":
			gf.id = shortID("PVTSSF", g.id())
			for _, o := range f.Options {
				gf.options = append(gf.options, ghOption{id: fmt.Sprintf("%08x", g.id()*2654435761%(1<<32)), name: o})
			}
		case "ITERATION":
			gf.id = shortID("PVTIF", g.id())
			for _, it := range f.Iterations {
				gf.iterations = append(gf.iterations, ghIterationDef{id: fmt.Sprintf("%08x", g.id()*2654435761%(1<<32)), title: it.Title, start: it.StartDate, duration: it.Duration})
			}
		default:
			gf.id = shortID("PVTF", g.id())
		}
		p.fields = append(p.fields, gf)
	}
	g.projects[strings.ToLower(owner)+"/"+strconv.Itoa(number)] = p
}

// RemoveProjectItem is a person deleting an item from the board, as the
// project's web page (or deleteProjectV2Item) does.
func (g *GitHub) RemoveProjectItem(owner string, number int, itemID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.projects[strings.ToLower(owner)+"/"+strconv.Itoa(number)]; p != nil {
		p.items = slices.DeleteFunc(p.items, func(it *ghItem) bool { return it.id == itemID })
	}
}

// ProjectItems returns the items of a project in board order, the top first.
func (g *GitHub) ProjectItems(owner string, number int) []ProjectItem {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.projects[strings.ToLower(owner)+"/"+strconv.Itoa(number)]
	if p == nil {
		return nil
	}
	var out []ProjectItem
	for _, it := range p.items {
		v := ProjectItem{ID: it.id, Issue: fmt.Sprintf("%s#%d", it.repo.fullName(), it.issue.number), Values: map[string]string{}, Archived: it.archived}
		for _, f := range p.fields {
			id, ok := it.values[f.id]
			if !ok {
				continue
			}
			for _, o := range f.options {
				if o.id == id {
					v.Values[f.name] = o.name
				}
			}
			for _, i := range f.iterations {
				if i.id == id {
					v.Values[f.name] = i.title
				}
			}
			if f.dataType == "TEXT" {
				v.Values[f.name] = id
			}
		}
		out = append(out, v)
	}
	return out
}

// SetProjectItemValue sets an item's single-select field to an option, as
// a person would on the board.
func (g *GitHub) SetProjectItemValue(owner string, number int, item, field, option string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.projects[strings.ToLower(owner)+"/"+strconv.Itoa(number)]
	for _, it := range p.items {
		if it.id != item {
			continue
		}
		for _, f := range p.fields {
			for _, o := range f.options {
				if f.name == field && o.name == option {
					it.values[f.id] = o.id
				}
			}
		}
	}
}

// findIssueByNode resolves an issue's GraphQL node id; g.mu is held.
func (g *GitHub) findIssueByNode(id string) (*ghRepo, *ghIssue) {
	for _, r := range g.repos {
		for _, is := range r.issues {
			if nodeID("I", is.id) == id {
				return r, is
			}
		}
	}
	return nil, nil
}

func (g *GitHub) projectByID(id string) *ghProject {
	for _, p := range g.projects {
		if p.id == id {
			return p
		}
	}
	return nil
}

// githubMessage is an error with GitHub's own wording, capitals and all.
func githubMessage(format string, args ...any) error {
	return typedError{"", fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return typedError{"NOT_FOUND", fmt.Sprintf(format, args...)}
}

// argInt reads an Int argument, whether it came as a literal (int64) or
// through a JSON variable.
func argInt(args map[string]any, k string) (int64, bool) {
	switch v := args[k].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case float64:
		return int64(v), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

func argString(args map[string]any, k string) string {
	s, _ := args[k].(string)
	return s
}

// paginate applies first/after to n nodes as GitHub's connections do.
func paginate(args map[string]any, name string, n int) (lo, hi int, err error) {
	first, hasFirst := argInt(args, "first")
	last, hasLast := argInt(args, "last")
	if !hasFirst && !hasLast {
		return 0, 0, githubMessage("You must provide a `first` or `last` value to properly paginate the `%s` connection.", name)
	}
	if hasFirst && (first < 0 || first > 100) {
		return 0, 0, githubMessage("Requesting %d records on the `%s` connection exceeds the `first` limit of 100 records.", first, name)
	}
	if hasLast && (last < 0 || last > 100) {
		return 0, 0, githubMessage("Requesting %d records on the `%s` connection exceeds the `last` limit of 100 records.", last, name)
	}
	lo = 0
	if after := argString(args, "after"); after != "" {
		b, derr := base64.StdEncoding.DecodeString(after)
		k, perr := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:"))
		if derr != nil || perr != nil {
			return 0, 0, githubMessage("`%s` does not appear to be a valid cursor.", after)
		}
		lo = min(k+1, n)
	}
	hi = n
	if hasFirst {
		hi = min(lo+int(first), n)
	} else {
		lo = max(lo, hi-int(last))
	}
	return lo, hi, nil
}

func cursor(i int) string {
	return base64.StdEncoding.EncodeToString([]byte("cursor:" + strconv.Itoa(i)))
}

func obj(typ string, fields map[string]func(map[string]any) (any, error)) *gqlObject {
	return &gqlObject{typ: typ, fields: fields}
}

func val(v any) func(map[string]any) (any, error) {
	return func(map[string]any) (any, error) { return v, nil }
}

// The GraphQL objects; g.mu is held while they resolve.

func (g *GitHub) gqlQuery() *gqlObject {
	return obj("Query", map[string]func(map[string]any) (any, error){
		"id": val("Q_root"),
		"organization": func(a map[string]any) (any, error) {
			login := argString(a, "login")
			u, ok := g.users[strings.ToLower(login)]
			if !ok || u.typ != "Organization" {
				return nil, notFound("Could not resolve to an Organization with the login of '%s'.", login)
			}
			return g.gqlOrganization(u), nil
		},
		"repository": func(a map[string]any) (any, error) {
			r := g.repo(argString(a, "owner"), argString(a, "name"))
			if r == nil {
				return nil, notFound("Could not resolve to a Repository with the name '%s/%s'.", argString(a, "owner"), argString(a, "name"))
			}
			return g.gqlRepository(r), nil
		},
		"node": func(a map[string]any) (any, error) {
			id := argString(a, "id")
			if p := g.projectByID(id); p != nil {
				return g.gqlProject(p), nil
			}
			for _, p := range g.projects {
				for _, it := range p.items {
					if it.id == id {
						return g.gqlItem(p, it), nil
					}
				}
			}
			if r, is := g.findIssueByNode(id); is != nil {
				return g.gqlIssue(r, is), nil
			}
			return nil, notFound("Could not resolve to a node with the global id of '%s'", id)
		},
	})
}

func (g *GitHub) gqlOrganization(u *ghUser) *gqlObject {
	return obj("Organization", map[string]func(map[string]any) (any, error){
		"id": val(nodeID("O", u.id)), "login": val(u.login),
		"projectV2": func(a map[string]any) (any, error) {
			n, _ := argInt(a, "number")
			p := g.projects[strings.ToLower(u.login)+"/"+strconv.FormatInt(n, 10)]
			if p == nil {
				return nil, notFound("Could not resolve to a ProjectV2 with the number %d.", n)
			}
			return g.gqlProject(p), nil
		},
	})
}

func (g *GitHub) gqlProject(p *ghProject) *gqlObject {
	return obj("ProjectV2", map[string]func(map[string]any) (any, error){
		"id":    val(p.id),
		"title": val(p.title),
		"fields": func(a map[string]any) (any, error) {
			lo, hi, err := paginate(a, "fields", len(p.fields))
			if err != nil {
				return nil, err
			}
			var nodes []*gqlObject
			for _, f := range p.fields[lo:hi] {
				nodes = append(nodes, g.gqlField(f))
			}
			return obj("ProjectV2FieldConfigurationConnection", map[string]func(map[string]any) (any, error){"nodes": val(nodes)}), nil
		},
		"items": func(a map[string]any) (any, error) {
			lo, hi, err := paginate(a, "items", len(p.items))
			if err != nil {
				return nil, err
			}
			var nodes []*gqlObject
			for _, it := range p.items[lo:hi] {
				nodes = append(nodes, g.gqlItem(p, it))
			}
			end := any(nil)
			if hi > lo {
				end = cursor(hi - 1)
			}
			return obj("ProjectV2ItemConnection", map[string]func(map[string]any) (any, error){
				"nodes": val(nodes),
				"pageInfo": val(obj("PageInfo", map[string]func(map[string]any) (any, error){
					"hasNextPage": val(hi < len(p.items)), "endCursor": val(end)})),
			}), nil
		},
	})
}

func (g *GitHub) gqlField(f *ghField) *gqlObject {
	typ := map[string]string{"SINGLE_SELECT": "ProjectV2SingleSelectField", "ITERATION": "ProjectV2IterationField"}[f.dataType]
	if typ == "" {
		typ = "ProjectV2Field"
	}
	fields := map[string]func(map[string]any) (any, error){
		"id": val(f.id), "name": val(f.name), "dataType": val(f.dataType),
		"options": func(a map[string]any) (any, error) {
			var out []*gqlObject
			names, _ := a["names"].([]any)
			for _, o := range f.options {
				if len(names) > 0 && !slices.Contains(names, any(o.name)) {
					continue
				}
				out = append(out, obj("ProjectV2SingleSelectFieldOption", map[string]func(map[string]any) (any, error){"id": val(o.id), "name": val(o.name)}))
			}
			if out == nil {
				out = []*gqlObject{}
			}
			return out, nil
		},
		"configuration": func(map[string]any) (any, error) {
			its := []*gqlObject{}
			for _, it := range f.iterations {
				its = append(its, obj("ProjectV2IterationFieldIteration", map[string]func(map[string]any) (any, error){
					"id": val(it.id), "title": val(it.title), "startDate": val(it.start), "duration": val(it.duration)}))
			}
			return obj("ProjectV2IterationFieldConfiguration", map[string]func(map[string]any) (any, error){"iterations": val(its)}), nil
		},
	}
	return obj(typ, fields)
}

func (g *GitHub) gqlRepository(r *ghRepo) *gqlObject {
	return obj("Repository", map[string]func(map[string]any) (any, error){
		"id": val(nodeID("R", r.id)), "nameWithOwner": val(r.fullName()),
		// issues lists the repository's issues (no pull requests) with
		// every one of labels, in states, ordered by creation or update.
		"issues": func(a map[string]any) (any, error) {
			var labels []string
			for _, l := range anyList(a["labels"]) {
				labels = append(labels, fmt.Sprint(l))
			}
			states := anyList(a["states"])
			var list []*ghIssue
			for _, is := range r.issues {
				if is.pull != nil || !hasAll(is.labels, labels) {
					continue
				}
				if len(states) > 0 && !slices.Contains(states, any(strings.ToUpper(is.state))) {
					continue
				}
				list = append(list, is)
			}
			order, _ := a["orderBy"].(map[string]any)
			key := func(is *ghIssue) time.Time { return is.created }
			switch argString(order, "field") {
			case "", "CREATED_AT":
			case "UPDATED_AT":
				key = func(is *ghIssue) time.Time { return is.updated }
			default:
				return nil, fmt.Errorf("the sandbox does not order issues by %s", argString(order, "field"))
			}
			slices.SortStableFunc(list, func(x, y *ghIssue) int {
				if c := key(x).Compare(key(y)); c != 0 {
					return c
				}
				return cmp.Compare(x.number, y.number)
			})
			if argString(order, "direction") == "DESC" {
				slices.Reverse(list)
			}
			lo, hi, err := paginate(a, "issues", len(list))
			if err != nil {
				return nil, err
			}
			var nodes []*gqlObject
			for _, is := range list[lo:hi] {
				nodes = append(nodes, g.gqlIssue(r, is))
			}
			return obj("IssueConnection", map[string]func(map[string]any) (any, error){"nodes": val(nodes)}), nil
		},
		"issue": func(a map[string]any) (any, error) {
			n, _ := argInt(a, "number")
			if n < 1 || int(n) > len(r.issues) || r.issues[n-1].pull != nil {
				return nil, notFound("Could not resolve to an Issue with the number of %d.", n)
			}
			return g.gqlIssue(r, r.issues[n-1]), nil
		},
	})
}

func (g *GitHub) gqlIssue(r *ghRepo, is *ghIssue) *gqlObject {
	return obj("Issue", map[string]func(map[string]any) (any, error){
		"id": val(nodeID("I", is.id)), "number": val(is.number), "repository": val(g.gqlRepository(r)),
		"title": val(is.title), "body": val(is.body), "state": val(strings.ToUpper(is.state)),
		"createdAt": val(ghTime(is.created)), "updatedAt": val(ghTime(is.updated)), "closedAt": val(ghTime(is.closed)),
		"url": val(fmt.Sprintf("%s/%s/issues/%d", g.web(), r.fullName(), is.number)),
		// stateReason says DUPLICATE only when asked to (enableDuplicate);
		// otherwise a duplicate reads as not planned.
		"stateReason": func(a map[string]any) (any, error) {
			reason := strings.ToUpper(is.stateReason)
			if enable, _ := a["enableDuplicate"].(bool); reason == "DUPLICATE" && !enable {
				reason = "NOT_PLANNED"
			}
			if reason == "" {
				return nil, nil
			}
			return reason, nil
		},
		"labels": func(a map[string]any) (any, error) {
			lo, hi, err := paginate(a, "labels", len(is.labels))
			if err != nil {
				return nil, err
			}
			var nodes []*gqlObject
			for _, name := range is.labels[lo:hi] {
				nodes = append(nodes, obj("Label", map[string]func(map[string]any) (any, error){"name": val(name)}))
			}
			return obj("LabelConnection", map[string]func(map[string]any) (any, error){"nodes": val(nodes)}), nil
		},
		"closedByPullRequestsReferences": func(a map[string]any) (any, error) {
			var prs []*gqlObject
			for _, n := range is.closedByPulls {
				pr := r.issues[n-1]
				prs = append(prs, obj("PullRequest", map[string]func(map[string]any) (any, error){
					"id": val(nodeID("PR", pr.id)), "number": val(pr.number), "title": val(pr.title),
					"url":    val(fmt.Sprintf("%s/%s/pull/%d", g.web(), r.fullName(), pr.number)),
					"author": val(obj("User", map[string]func(map[string]any) (any, error){"login": val(pr.user)})),
				}))
			}
			lo, hi, err := paginate(a, "closedByPullRequestsReferences", len(prs))
			if err != nil {
				return nil, err
			}
			return obj("PullRequestConnection", map[string]func(map[string]any) (any, error){"nodes": val(prs[lo:hi])}), nil
		},
	})
}

// gqlItem is a project item. Its archived state does not hide it from the
// project's items connection: clients skip isArchived nodes themselves
// (suzuki-shunsuke/ghproj's ListItems does).
func (g *GitHub) gqlItem(p *ghProject, it *ghItem) *gqlObject {
	return obj("ProjectV2Item", map[string]func(map[string]any) (any, error){
		"id":         val(it.id),
		"isArchived": val(it.archived),
		"project":    val(g.gqlProject(p)),
		"content":    val(g.gqlIssue(it.repo, it.issue)),
		// fieldValues lists the values set, by field position, and honours
		// first: a board with more fields than first leaves late ones out.
		"fieldValues": func(a map[string]any) (any, error) {
			var vals []*gqlObject
			for _, f := range p.fields {
				if v := g.gqlFieldValue(f, it); v != nil {
					vals = append(vals, v)
				}
			}
			lo, hi, err := paginate(a, "fieldValues", len(vals))
			if err != nil {
				return nil, err
			}
			return obj("ProjectV2ItemFieldValueConnection", map[string]func(map[string]any) (any, error){"nodes": val(vals[lo:hi])}), nil
		},
		// fieldValueByName is "the field value of the first project field
		// which matches the 'name' argument that is set on the item"
		// (GitHub's schema); null when none is. Names match exactly.
		"fieldValueByName": func(a map[string]any) (any, error) {
			name := argString(a, "name")
			for _, f := range p.fields {
				if f.name == name {
					if v := g.gqlFieldValue(f, it); v != nil {
						return v, nil
					}
				}
			}
			return nil, nil
		},
	})
}

// gqlFieldValue is the item's value of field f, or nil when it has none.
func (g *GitHub) gqlFieldValue(f *ghField, it *ghItem) *gqlObject {
	v, ok := it.values[f.id]
	if !ok {
		return nil
	}
	field := g.gqlField(f)
	id := val(it.id + "/" + f.id)
	switch f.dataType {
	case "SINGLE_SELECT":
		name := ""
		for _, o := range f.options {
			if o.id == v {
				name = o.name
			}
		}
		return obj("ProjectV2ItemFieldSingleSelectValue", map[string]func(map[string]any) (any, error){
			"id": id, "optionId": val(v), "name": val(name), "field": val(field)})
	case "ITERATION":
		title := ""
		for _, x := range f.iterations {
			if x.id == v {
				title = x.title
			}
		}
		return obj("ProjectV2ItemFieldIterationValue", map[string]func(map[string]any) (any, error){
			"id": id, "iterationId": val(v), "title": val(title), "field": val(field)})
	}
	return obj("ProjectV2ItemFieldTextValue", map[string]func(map[string]any) (any, error){
		"id": id, "text": val(v), "field": val(field)})
}

func (g *GitHub) gqlMutation(login string) *gqlObject {
	input := func(a map[string]any) map[string]any { m, _ := a["input"].(map[string]any); return m }
	project := func(in map[string]any) (*ghProject, error) {
		p := g.projectByID(argString(in, "projectId"))
		if p == nil {
			return nil, notFound("Could not resolve to a node with the global id of '%s'", argString(in, "projectId"))
		}
		return p, nil
	}
	item := func(p *ghProject, in map[string]any) (int, error) {
		i := slices.IndexFunc(p.items, func(it *ghItem) bool { return it.id == argString(in, "itemId") })
		if i < 0 {
			return 0, notFound("Could not resolve to a node with the global id of '%s'", argString(in, "itemId"))
		}
		return i, nil
	}
	// updatable is item, for a change an archived item refuses
	// (gr2m/github-project#96 quotes GitHub's error).
	updatable := func(p *ghProject, in map[string]any) (int, error) {
		i, err := item(p, in)
		if err == nil && p.items[i].archived {
			return 0, githubMessage("The item is archived and cannot be updated")
		}
		return i, err
	}
	// located is the project and the index of the item a mutation's
	// input names.
	located := func(a map[string]any) (*ghProject, int, error) {
		in := input(a)
		p, err := project(in)
		if err != nil {
			return nil, 0, err
		}
		i, err := item(p, in)
		return p, i, err
	}
	archive := func(archived bool, payload string) func(map[string]any) (any, error) {
		return func(a map[string]any) (any, error) {
			p, i, err := located(a)
			if err != nil {
				return nil, err
			}
			p.items[i].archived = archived
			return obj(payload, map[string]func(map[string]any) (any, error){"item": val(g.gqlItem(p, p.items[i]))}), nil
		}
	}
	return obj("Mutation", map[string]func(map[string]any) (any, error){
		"addProjectV2ItemById": func(a map[string]any) (any, error) {
			in := input(a)
			p, err := project(in)
			if err != nil {
				return nil, err
			}
			r, is := g.findIssueByNode(argString(in, "contentId"))
			if is == nil {
				return nil, notFound("Could not resolve to a node with the global id of '%s'", argString(in, "contentId"))
			}
			i := slices.IndexFunc(p.items, func(it *ghItem) bool { return it.issue == is })
			var it *ghItem
			if i >= 0 {
				it = p.items[i] // already there: the existing item, as GitHub answers, archived or not
			} else {
				it = &ghItem{id: shortID("PVTI", g.id()), issue: is, repo: r, values: map[string]string{}}
				p.items = append(p.items, it) // new items go to the bottom
			}
			return obj("AddProjectV2ItemByIdPayload", map[string]func(map[string]any) (any, error){"item": val(g.gqlItem(p, it))}), nil
		},
		"updateProjectV2ItemFieldValue": func(a map[string]any) (any, error) {
			in := input(a)
			p, err := project(in)
			if err != nil {
				return nil, err
			}
			i, err := updatable(p, in)
			if err != nil {
				return nil, err
			}
			fi := slices.IndexFunc(p.fields, func(f *ghField) bool { return f.id == argString(in, "fieldId") })
			if fi < 0 {
				return nil, notFound("Could not resolve to a node with the global id of '%s'", argString(in, "fieldId"))
			}
			f := p.fields[fi]
			v, _ := in["value"].(map[string]any)
			var set string
			switch f.dataType {
			case "SINGLE_SELECT":
				set = argString(v, "singleSelectOptionId")
				if !slices.ContainsFunc(f.options, func(o ghOption) bool { return o.id == set }) {
					return nil, githubMessage("The single select option Id does not belong to the field")
				}
			case "ITERATION":
				set = argString(v, "iterationId")
				if !slices.ContainsFunc(f.iterations, func(x ghIterationDef) bool { return x.id == set }) {
					return nil, githubMessage("The iteration Id does not belong to the field")
				}
			default:
				set = argString(v, "text")
			}
			p.items[i].values[f.id] = set
			return obj("UpdateProjectV2ItemFieldValuePayload", map[string]func(map[string]any) (any, error){"projectV2Item": val(g.gqlItem(p, p.items[i]))}), nil
		},
		"updateProjectV2ItemPosition": func(a map[string]any) (any, error) {
			in := input(a)
			p, err := project(in)
			if err != nil {
				return nil, err
			}
			i, err := updatable(p, in)
			if err != nil {
				return nil, err
			}
			it := p.items[i]
			p.items = slices.Delete(p.items, i, i+1)
			pos := 0 // no afterId: the top
			if after := argString(in, "afterId"); after != "" {
				j := slices.IndexFunc(p.items, func(x *ghItem) bool { return x.id == after })
				if j < 0 {
					return nil, notFound("Could not resolve to a node with the global id of '%s'", after)
				}
				pos = j + 1
			}
			p.items = slices.Insert(p.items, pos, it)
			return obj("UpdateProjectV2ItemPositionPayload", map[string]func(map[string]any) (any, error){
				"clientMutationId": val(in["clientMutationId"])}), nil
		},
		"deleteProjectV2Item": func(a map[string]any) (any, error) {
			p, i, err := located(a)
			if err != nil {
				return nil, err
			}
			id := p.items[i].id
			p.items = slices.Delete(p.items, i, i+1)
			return obj("DeleteProjectV2ItemPayload", map[string]func(map[string]any) (any, error){"deletedItemId": val(id)}), nil
		},
		"archiveProjectV2Item":   archive(true, "ArchiveProjectV2ItemPayload"),
		"unarchiveProjectV2Item": archive(false, "UnarchiveProjectV2ItemPayload"),
	})
}

// graphql is POST /graphql. Over the rate limit GitHub still answers 200,
// with an errors array.
func (g *GitHub) graphql(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		ghError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.authenticate(r)
	if !ok {
		ghError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	now := g.clock.Now()
	key := "graphql " + c.token
	b := g.buckets[key]
	if b == nil || !now.Before(b.reset) {
		b = &ghBucket{reset: now.Add(time.Hour).Truncate(time.Second)}
		g.buckets[key] = b
	}
	limit := g.opts.RateLimit
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	w.Header().Set("X-RateLimit-Resource", "graphql")
	if b.used >= limit {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Used", strconv.Itoa(b.used))
		writeJSON(w, r, http.StatusOK, map[string]any{"errors": []gqlError{{Type: "RATE_LIMITED",
			Message: fmt.Sprintf("API rate limit exceeded for %s.", c.login)}}})
		return
	}
	// GitHub's limits on content creation count what is done through
	// GraphQL too ("Rate limits for the REST API", secondary limits): a
	// mutation document counts as one request.
	if isMutation(req.Query, req.OperationName) && !g.takeContent(now) {
		contentLimited(w)
		return
	}
	b.used++
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(limit-b.used))
	w.Header().Set("X-RateLimit-Used", strconv.Itoa(b.used))
	budget := g.opts.MutationsPerDocument
	switch {
	case budget == 0:
		budget = 20
	case budget < 0:
		budget = 0 // no limit
	}
	out, status, cut := runGraphQL(req.Query, req.OperationName, req.Variables, g.gqlQuery(), g.gqlMutation(c.login), budget)
	if cut && (g.opts.MutationTimeoutStatus == http.StatusBadGateway || g.opts.MutationTimeoutStatus == http.StatusGatewayTimeout) {
		// What GitHub answers a request that ran past its timeout; the
		// mutations that ran stay applied.
		writeJSON(w, r, g.opts.MutationTimeoutStatus, map[string]any{"message": "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."})
		return
	}
	writeJSON(w, r, status, out)
}

// anyList is a list argument; a single value stands for a list of one, as
// GraphQL's input coercion has it.
func anyList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// isMutation reports whether the operation a document runs is a mutation;
// a document that does not parse is not (its answer is the parse error).
func isMutation(query, operationName string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if operationName == "" || op.Name == operationName {
			return op.Operation == ast.Mutation
		}
	}
	return false
}
