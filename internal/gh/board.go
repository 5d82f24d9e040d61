package gh

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/port"
)

// Project names a Projects v2 board and the fields steward keeps.
type Project struct {
	Owner          string
	Number         int
	StatusField    string
	StatusOption   string
	PriorityField  string
	IterationField string
}

// Board adapts the client to port.Board for one project. The project's
// fields are read once, on first use, and checked against the settings.
type Board struct {
	c *Client
	p Project

	mu   sync.Mutex
	info *boardInfo
}

// itemsPage is the items of one page of the ItemsPage fragment.
type itemsPage struct {
	PageInfo struct {
		HasNextPage bool
		EndCursor   string
	}
	Nodes []struct {
		ID      string
		Content struct {
			Number     int
			Repository struct{ NameWithOwner string }
		}
		FieldValues struct {
			Nodes []struct {
				OptionID    string
				IterationID string
				Field       struct{ ID string }
			}
		}
	}
}

var _ port.Board = (*Board)(nil)

// Board is the port to project p.
func (c *Client) Board(p Project) *Board { return &Board{c: c, p: p} }

// boardInfo is the project and the ids its fields and options have.
type boardInfo struct {
	id        string
	status    *field
	priority  *field
	iteration *field
}

type field struct {
	id      string
	name    string
	options map[string]string // lower-case name -> id
	names   map[string]string // id -> name
	iters   []iteration
}

type iteration struct {
	id, title string
	start     civil.Date
	days      int
}

// find reads the project and checks that every configured field and option
// exists, naming what does when not.
func (b *Board) find(ctx context.Context) (*boardInfo, error) {
	info, _, err := b.findWithItems(ctx)
	return info, err
}

// findWithItems is find, with the first page of items when this call read
// the project (nil when it was known already: that page may be stale).
func (b *Board) findWithItems(ctx context.Context) (*boardInfo, *itemsPage, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.info != nil {
		return b.info, nil, nil
	}
	p := b.p
	var q struct {
		Organization struct {
			ProjectV2 struct {
				ID     string
				Items  itemsPage
				Fields struct {
					Nodes []struct {
						ID            string
						Name          string
						DataType      string
						Options       []struct{ ID, Name string }
						Configuration struct {
							Iterations []struct {
								ID, Title, StartDate string
								Duration             int
							}
						}
					}
				}
			}
		}
	}
	if err := b.c.GraphQL(ctx, QueryFindProject, map[string]any{"owner": p.Owner, "number": p.Number}, &q); err != nil {
		return nil, nil, fmt.Errorf("integrations.github.project %s/%d: %w", p.Owner, p.Number, err)
	}
	info := &boardInfo{id: q.Organization.ProjectV2.ID}
	var names []string
	fields := map[string]*field{}
	for _, n := range q.Organization.ProjectV2.Fields.Nodes {
		f := &field{id: n.ID, name: n.Name, options: map[string]string{}, names: map[string]string{}}
		for _, o := range n.Options {
			f.options[strings.ToLower(o.Name)] = o.ID
			f.names[o.ID] = o.Name
		}
		for _, it := range n.Configuration.Iterations {
			d, err := civil.Parse(it.StartDate)
			if err == nil {
				f.iters = append(f.iters, iteration{id: it.ID, title: it.Title, start: d, days: it.Duration})
			}
		}
		fields[strings.ToLower(n.Name)] = f
		names = append(names, n.Name)
	}
	get := func(setting, name string) (*field, error) {
		if f, ok := fields[strings.ToLower(name)]; ok {
			return f, nil
		}
		return nil, fmt.Errorf("integrations.github.project.%s: project %s/%d has no field %q; its fields are: %s",
			setting, p.Owner, p.Number, name, strings.Join(names, ", "))
	}
	var err error
	if info.status, err = get("status_field", p.StatusField); err != nil {
		return nil, nil, err
	}
	if _, ok := info.status.options[strings.ToLower(p.StatusOption)]; !ok {
		return nil, nil, fmt.Errorf("integrations.github.project.status_option: field %q has no option %q; its options are: %s",
			p.StatusField, p.StatusOption, optionNames(info.status))
	}
	if info.priority, err = get("priority_field", p.PriorityField); err != nil {
		return nil, nil, err
	}
	if info.iteration, err = get("iteration_field", p.IterationField); err != nil {
		return nil, nil, err
	}
	b.info = info
	return info, &q.Organization.ProjectV2.Items, nil
}

func optionNames(f *field) string {
	var n []string
	for k := range f.options {
		n = append(n, k)
	}
	slices.Sort(n)
	return strings.Join(n, ", ")
}

// StatusOption is the configured status of open support work.
func (b *Board) StatusOption() string { return b.p.StatusOption }

// Add puts the issue on the board; GitHub returns the existing item when
// it is there already, so it is safe to retry.
func (b *Board) Add(ctx context.Context, nodeID string) (string, error) {
	info, err := b.find(ctx)
	if err != nil {
		return "", err
	}
	var added struct {
		AddProjectV2ItemByID struct{ Item struct{ ID string } } `json:"addProjectV2ItemById"`
	}
	if err := b.c.GraphQL(ctx, MutationAddItem, map[string]any{"projectId": info.id, "contentId": nodeID}, &added); err != nil {
		return "", err
	}
	return added.AddProjectV2ItemByID.Item.ID, nil
}

// itemSet is one item's change resolved to option and iteration ids; nil
// values are left as they are.
type itemSet struct {
	status, priority, iteration map[string]any
	move                        bool
	after                       any // item id, or nil: the top
}

func (x itemSet) empty() bool {
	return x.status == nil && x.priority == nil && x.iteration == nil && !x.move
}

// resolve names the options and iteration s asks for, or says which
// setting names one the board lacks.
func (b *Board) resolve(info *boardInfo, s port.BoardSet) (itemSet, error) {
	var x itemSet
	if s.Status != "" {
		opt, ok := info.status.options[strings.ToLower(s.Status)]
		if !ok {
			return x, fmt.Errorf("integrations.github.project.status_field: field %q has no option %q; its options are: %s", info.status.name, s.Status, optionNames(info.status))
		}
		x.status = map[string]any{"singleSelectOptionId": opt}
	}
	if s.Priority != "" {
		opt, ok := info.priority.options[strings.ToLower(s.Priority)]
		if !ok {
			return x, fmt.Errorf("integrations.github.project.priority_field: field %q has no option %q; its options are: %s", info.priority.name, s.Priority, optionNames(info.priority))
		}
		x.priority = map[string]any{"singleSelectOptionId": opt}
	}
	if !s.Iteration.IsZero() {
		it, ok := currentIteration(info.iteration, s.Iteration)
		if !ok {
			return x, fmt.Errorf("integrations.github.project.iteration_field: field %q has no current or coming iteration", info.iteration.name)
		}
		x.iteration = map[string]any{"iterationId": it.id}
	}
	x.move = s.Move
	if s.After != "" {
		x.after = s.After
	}
	return x, nil
}

// Set changes one item's status, priority, iteration and position with
// one document, as SetMany does for many.
func (b *Board) Set(ctx context.Context, item string, s port.BoardSet) error {
	return b.SetMany(ctx, []port.BoardChange{{Item: item, Set: s}})[0]
}

// setBatch bounds the items one SetMany document changes: GitHub runs a
// document's mutations one after another and counts each toward its
// secondary limits, and 25 items (at most 100 mutations) keep a request
// well inside them.
const setBatch = 25

// SetMany changes many items with one document per setBatch of them: each
// item's mutations go under aliases of its own (s3, p3, t3, m3 for the
// fourth), and GitHub runs a document's mutations in order, so moves land
// as they would one request at a time. An error GitHub names by path fails
// only its item; any other fails every item of its document.
func (b *Board) SetMany(ctx context.Context, changes []port.BoardChange) []error {
	errs := make([]error, len(changes))
	info, err := b.find(ctx)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	var batch []int // indexes into changes
	sets := make([]itemSet, len(changes))
	flush := func() {
		if len(batch) == 0 {
			return
		}
		doc, vars := setItemsDocument(info, changes, sets, batch)
		err := b.c.GraphQL(ctx, doc, vars, nil)
		var gerrs GraphQLErrors
		if errors.As(err, &gerrs) {
			err = nil
			for _, e := range gerrs {
				if n, ok := aliasIndex(e.Path); ok && n < len(batch) {
					errs[batch[n]] = GraphQLErrors{e}
					continue
				}
				err = gerrs // not an item's: the document's
			}
		}
		if err != nil {
			for _, i := range batch {
				errs[i] = err
			}
		}
		batch = batch[:0]
	}
	for i, c := range changes {
		x, err := b.resolve(info, c.Set)
		if err != nil {
			errs[i] = err
			continue
		}
		if x.empty() {
			continue
		}
		sets[i] = x
		batch = append(batch, i)
		if len(batch) == setBatch {
			flush()
		}
	}
	flush()
	return errs
}

// setItemsDocument writes the document and variables for the changes at
// batch, the n-th of them under aliases sN, pN, tN and mN.
func setItemsDocument(info *boardInfo, changes []port.BoardChange, sets []itemSet, batch []int) (string, map[string]any) {
	vars := map[string]any{"projectId": info.id}
	var params, body strings.Builder
	params.WriteString("$projectId: ID!")
	field := func(alias, fieldVar, fieldID, valueVar string, value map[string]any, item string) {
		if _, declared := vars[fieldVar]; !declared {
			vars[fieldVar] = fieldID
			fmt.Fprintf(&params, ", $%s: ID!", fieldVar)
		}
		vars[valueVar] = value
		fmt.Fprintf(&params, ", $%s: ProjectV2FieldValue!", valueVar)
		fmt.Fprintf(&body, "  %s: updateProjectV2ItemFieldValue(input: {projectId: $projectId, itemId: $%s, fieldId: $%s, value: $%s}) {\n    projectV2Item { id }\n  }\n",
			alias, item, fieldVar, valueVar)
	}
	for n, i := range batch {
		x := sets[i]
		item := fmt.Sprintf("item%d", n)
		vars[item] = changes[i].Item
		fmt.Fprintf(&params, ", $%s: ID!", item)
		if x.status != nil {
			field(fmt.Sprintf("s%d", n), "statusField", info.status.id, fmt.Sprintf("status%d", n), x.status, item)
		}
		if x.priority != nil {
			field(fmt.Sprintf("p%d", n), "priorityField", info.priority.id, fmt.Sprintf("priority%d", n), x.priority, item)
		}
		if x.iteration != nil {
			field(fmt.Sprintf("t%d", n), "iterationField", info.iteration.id, fmt.Sprintf("iteration%d", n), x.iteration, item)
		}
		if x.move {
			after := fmt.Sprintf("after%d", n)
			vars[after] = x.after
			fmt.Fprintf(&params, ", $%s: ID", after)
			fmt.Fprintf(&body, "  m%d: updateProjectV2ItemPosition(input: {projectId: $projectId, itemId: $%s, afterId: $%s}) {\n    clientMutationId\n  }\n", n, item, after)
		}
	}
	return "mutation SetItems(" + params.String() + ") {\n" + body.String() + "}", vars
}

// aliasIndex reads the item number from an error's path: ["m3"] is the
// fourth item's move.
func aliasIndex(path []any) (int, bool) {
	if len(path) == 0 {
		return 0, false
	}
	alias, ok := path[0].(string)
	if !ok || len(alias) < 2 || !strings.ContainsRune("sptm", rune(alias[0])) {
		return 0, false
	}
	n, err := strconv.Atoi(alias[1:])
	return n, err == nil && n >= 0
}

// Items lists the board's items in the board's order, with their status,
// priority and iteration. The first call of a Board's life takes the first
// page from the document that found the project.
func (b *Board) Items(ctx context.Context) ([]port.BoardItem, error) {
	info, page, err := b.findWithItems(ctx)
	if err != nil {
		return nil, err
	}
	var out []port.BoardItem
	var cursor any
	for range 100 { // 10,000 items: far more than a support board holds
		if page == nil {
			var q struct{ Node struct{ Items itemsPage } }
			if err := b.c.GraphQL(ctx, QueryListItems, map[string]any{"projectId": info.id, "cursor": cursor}, &q); err != nil {
				return nil, err
			}
			page = &q.Node.Items
		}
		for _, n := range page.Nodes {
			it := port.BoardItem{ID: n.ID, Issue: n.Content.Number, Repo: n.Content.Repository.NameWithOwner}
			for _, v := range n.FieldValues.Nodes {
				switch v.Field.ID {
				case info.status.id:
					it.Status = info.status.names[v.OptionID]
				case info.priority.id:
					it.Priority = info.priority.names[v.OptionID]
				case info.iteration.id:
					if x, ok := info.iteration.iteration(v.IterationID); ok {
						it.SprintEnd = x.start.AddDays(x.days)
					}
				}
			}
			out = append(out, it)
		}
		if !page.PageInfo.HasNextPage {
			return out, nil
		}
		cursor, page = page.PageInfo.EndCursor, nil
	}
	return nil, fmt.Errorf("project %s/%d: more than 10,000 items", b.p.Owner, b.p.Number)
}

// iteration finds one of the field's iterations by id.
func (f *field) iteration(id string) (iteration, bool) {
	for _, x := range f.iters {
		if x.id == id {
			return x, true
		}
	}
	return iteration{}, false
}

// currentIteration is the iteration holding today, else the next to start.
func currentIteration(f *field, today civil.Date) (iteration, bool) {
	var next *iteration
	for i, it := range f.iters {
		if !today.Before(it.start) && today.Before(it.start.AddDays(it.days)) {
			return it, true
		}
		if it.start.After(today) && (next == nil || it.start.Before(next.start)) {
			next = &f.iters[i]
		}
	}
	if next != nil {
		return *next, true
	}
	return iteration{}, false
}
