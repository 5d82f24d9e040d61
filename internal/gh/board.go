package gh

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

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
	// DoneOption is the status option of closed support issues; find
	// checks the board has it ("" skips the check).
	DoneOption string
}

// Board adapts the client to port.Board for one project. The project's
// fields are read once, on first use, and checked against the settings.
type Board struct {
	c *Client
	p Project

	mu   sync.Mutex
	info *boardInfo

	// writing holds one mutation at a time, and lastWrite is when the
	// last one was answered: GitHub asks for a second between requests
	// that change things (REST API best practices), and board mutations
	// cost the most of its secondary limits.
	writing   sync.Mutex
	lastWrite time.Time
}

// itemsPage is the items of one page of itemsSelection. The three values
// are read by field name (fieldValueByName): fieldValues lists values by
// field position, so on a board with more fields than it asks for, Status
// or Priority could fall outside it.
type itemsPage struct {
	PageInfo struct {
		HasNextPage bool
		EndCursor   string
	}
	Nodes []struct {
		ID         string
		IsArchived bool
		Content    struct {
			Number     int
			Repository struct{ NameWithOwner string }
		}
		Status    struct{ OptionID string }
		Priority  struct{ OptionID string }
		Iteration struct{ IterationID string }
	}
}

var _ port.Board = (*Board)(nil)

// Board is the port to project p.
func (c *Client) Board(p Project) *Board { return &Board{c: c, p: p} }

// Hold keeps this client's other passes off the project until release.
func (b *Board) Hold() (release func()) {
	mu := b.c.holds.of(b.key())
	mu.Lock()
	return mu.Unlock
}

// holds are one mutex per project, for the passes of one client (the
// server keeps a client per installation).
type holds struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

func (h *holds) of(key string) *sync.Mutex {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]*sync.Mutex{}
	}
	if h.m[key] == nil {
		h.m[key] = &sync.Mutex{}
	}
	return h.m[key]
}

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
	order   []string          // option names as the board orders them
	iters   []iteration
}

type iteration struct {
	id, title string
	start     civil.Date
	days      int
}

// Check reads the project and says, as find does, which configured field
// or option it lacks (the error begins with the setting's path).
func (b *Board) Check(ctx context.Context) error {
	_, err := b.find(ctx)
	return err
}

// find reads the project and checks that every configured field and option
// exists, naming what does when not.
func (b *Board) find(ctx context.Context) (*boardInfo, error) {
	info, _, err := b.findWithItems(ctx)
	return info, err
}

// fieldNames are the variables naming the fields an items page reads.
func fieldNames(status, priority, iteration string) map[string]any {
	return map[string]any{"statusField": status, "priorityField": priority, "iterationField": iteration}
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
		Organization struct{ ProjectV2 projectNode }
	}
	vars := fieldNames(p.StatusField, p.PriorityField, p.IterationField)
	vars["owner"], vars["number"] = p.Owner, p.Number
	if err := b.c.GraphQL(ctx, QueryFindProject, vars, &q); err != nil {
		return nil, nil, fmt.Errorf("integrations.github.project %s/%d: %w", p.Owner, p.Number, err)
	}
	return b.learn(&q.Organization.ProjectV2)
}

// projectNode is what projectSelection reads of a project.
type projectNode struct {
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

// learn checks a project read by projectSelection against the settings,
// naming a field or option it lacks, and keeps what it found: in b.info,
// and the project's id in STEWARD_CACHE_DIR for AddAndRead. It returns the
// page of items read with it, nil when that page cannot be trusted. b.mu
// is held.
func (b *Board) learn(n *projectNode) (*boardInfo, *itemsPage, error) {
	p := b.p
	info := &boardInfo{id: n.ID}
	var names []string
	fields := map[string]*field{}
	for _, n := range n.Fields.Nodes {
		f := &field{id: n.ID, name: n.Name, options: map[string]string{}, names: map[string]string{}}
		for _, o := range n.Options {
			f.options[strings.ToLower(o.Name)] = o.ID
			f.names[o.ID] = o.Name
			f.order = append(f.order, o.Name)
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
		return nil, &port.SettingError{Setting: "integrations.github.project." + setting,
			Message: fmt.Sprintf("project %s/%d has no field %q; its fields are: %s", p.Owner, p.Number, name, strings.Join(names, ", "))}
	}
	var err error
	if info.status, err = get("status_field", p.StatusField); err != nil {
		return nil, nil, err
	}
	for _, o := range []struct{ setting, name string }{{"status_option", p.StatusOption}, {"done_option", p.DoneOption}} {
		if o.name == "" && o.setting == "done_option" {
			continue
		}
		if _, ok := info.status.options[strings.ToLower(o.name)]; !ok {
			return nil, nil, &port.SettingError{Setting: "integrations.github.project." + o.setting,
				Message: fmt.Sprintf("field %q has no option %q; its options are: %s", info.status.name, o.name, optionNames(info.status))}
		}
	}
	if info.priority, err = get("priority_field", p.PriorityField); err != nil {
		return nil, nil, err
	}
	if info.iteration, err = get("iteration_field", p.IterationField); err != nil {
		return nil, nil, err
	}
	b.info = info
	b.c.projects.put(b.key(), info.id)
	page := &n.Items
	if info.status.name != p.StatusField || info.priority.name != p.PriorityField || info.iteration.name != p.IterationField {
		// The settings name a field in other capitals than the board:
		// fieldValueByName may not have found it, so read again by the
		// board's own names.
		page = nil
	}
	return info, page, nil
}

// key names the project among the ones a client keeps.
func (b *Board) key() string { return strings.ToLower(b.p.Owner) + "/" + strconv.Itoa(b.p.Number) }

// optionNames lists a field's options as the board names and orders them.
func optionNames(f *field) string {
	return strings.Join(f.order, ", ")
}

// StatusOption is the configured status of open support work.
func (b *Board) StatusOption() string { return b.p.StatusOption }

// Add puts the issue on the board; GitHub returns the existing item when
// it is there already, so it is safe to retry. An item archived since it
// was last on the board (closed, then reopened) is restored.
func (b *Board) Add(ctx context.Context, nodeID string) (string, error) {
	info, err := b.find(ctx)
	if err != nil {
		return "", err
	}
	var added struct {
		AddProjectV2ItemByID struct {
			Item struct {
				ID         string
				IsArchived bool
			}
		} `json:"addProjectV2ItemById"`
	}
	if err := b.write(ctx, func() error {
		return b.c.GraphQL(ctx, MutationAddItem, map[string]any{"projectId": info.id, "contentId": nodeID}, &added)
	}); err != nil {
		return "", err
	}
	it := added.AddProjectV2ItemByID.Item
	if it.IsArchived {
		if err := b.write(ctx, func() error {
			return b.c.GraphQL(ctx, MutationUnarchiveItem, map[string]any{"projectId": info.id, "itemId": it.ID}, nil)
		}); err != nil {
			return "", fmt.Errorf("restoring archived item %s: %w", it.ID, err)
		}
	}
	return it.ID, nil
}

// write sends one mutation a second after the board's last one, waiting
// on the client's clock.
func (b *Board) write(ctx context.Context, send func() error) error {
	b.writing.Lock()
	defer b.writing.Unlock()
	if !b.lastWrite.IsZero() {
		if d := b.lastWrite.Add(writeSpacing).Sub(b.c.clock.Now()); d > 0 {
			if err := b.c.clock.Sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	err := send()
	b.lastWrite = b.c.clock.Now()
	return err
}

// writeSpacing is the least time between two of the board's mutations:
// GitHub asks for at least a second between requests that change things.
const writeSpacing = time.Second

// itemSet is one item's change resolved to option and iteration ids; nil
// values are left as they are.
type itemSet struct {
	status, priority, iteration map[string]any
	move                        bool
	after                       any // item id, or nil: the top
	archive                     bool
}

// ops are the mutations the change needs, in the order they run: fields,
// then the move, then the archive (an archived item takes no changes).
func (x itemSet) ops() []byte {
	var out []byte
	for _, o := range []struct {
		kind byte
		on   bool
	}{{'s', x.status != nil}, {'p', x.priority != nil}, {'t', x.iteration != nil}, {'m', x.move}, {'a', x.archive}} {
		if o.on {
			out = append(out, o.kind)
		}
	}
	return out
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
	x.archive = s.Archive
	return x, nil
}

// Set changes one item's status, priority, iteration and position with
// one document, as SetMany does for many.
func (b *Board) Set(ctx context.Context, item string, s port.BoardSet) error {
	return b.SetMany(ctx, []port.BoardChange{{Item: item, Set: s}})[0]
}

// docMutations bounds the mutations of one SetMany document. GitHub runs a
// document's mutations one after another and cuts a long one short, some
// of them applied, when it meets its resource limits or its 10-second
// timeout (shurcooL/githubv4#17; "Resource limits for this query
// exceeded", Skydio/revup#271); github/github-mcp-server sends project
// mutations 20 at a time. What a cut-short document left is sent again
// once, retryMutations at a time.
const (
	docMutations   = 20
	retryMutations = docMutations / 2
)

// op is one mutation of a SetMany: change i's kind ('s'tatus, 'p'riority,
// i't'eration, 'm'ove, 'a'rchive).
type op struct {
	i    int
	kind byte
}

// SetMany changes many items with documents of at most docMutations
// mutations, an item's mutations in one document: each item's mutations
// go under aliases of its own (s3, p3, t3, m3, a3 for the fourth item of a
// document), and GitHub runs a document's mutations in order, so moves
// land as they would one request at a time.
//
// A mutation whose alias GitHub answers in data was applied. One GitHub
// names by path with an error of its own fails only its item. One the
// answer leaves out (a document cut short) and every one of a document
// answered 5xx are sent once more, at once, in smaller documents: each
// mutation sets a value or a place, so sending it again is harmless.
// What is still not applied fails its item, for the next pass to redo.
func (b *Board) SetMany(ctx context.Context, changes []port.BoardChange) []error {
	errs := make([]error, len(changes))
	info, err := b.find(ctx)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	sets := make([]itemSet, len(changes))
	var ops []op
	for i, c := range changes {
		x, err := b.resolve(info, c.Set)
		if err != nil {
			errs[i] = err
			continue
		}
		sets[i] = x
		for _, k := range x.ops() {
			ops = append(ops, op{i, k})
		}
	}
	for _, doc := range pack(ops, docMutations) {
		left, why := b.send(ctx, info, changes, sets, doc, errs)
		if len(left) > 0 && ctx.Err() == nil {
			var again []op
			for _, retry := range pack(left, retryMutations) {
				l, w := b.send(ctx, info, changes, sets, retry, errs)
				if len(l) > 0 {
					again, why = append(again, l...), w
				}
			}
			left = again
		}
		for _, o := range left {
			if errs[o.i] == nil {
				errs[o.i] = fmt.Errorf("not applied (%v): the next pass sends it again", why)
			}
		}
	}
	return errs
}

// pack splits ops into documents of at most n mutations, an item's
// together (an item has at most five, fewer than n).
func pack(ops []op, n int) [][]op {
	var out [][]op
	var doc []op
	for k := 0; k < len(ops); {
		m := itemOps(ops[k:])
		if len(doc) > 0 && len(doc)+m > n {
			out, doc = append(out, doc), nil
		}
		doc = append(doc, ops[k:k+m]...)
		k += m
	}
	if len(doc) > 0 {
		out = append(out, doc)
	}
	return out
}

// itemOps counts the leading ops of one item.
func itemOps(ops []op) int {
	n := 0
	for n < len(ops) && ops[n].i == ops[0].i {
		n++
	}
	return n
}

// send sends one document of ops and records each item's own errors in
// errs. It returns the ops not applied that sending again may apply, and
// why they were not.
func (b *Board) send(ctx context.Context, info *boardInfo, changes []port.BoardChange, sets []itemSet, ops []op, errs []error) ([]op, error) {
	doc, vars, aliases := setItemsDocument(info, changes, sets, ops)
	var data map[string]json.RawMessage
	var gerrs GraphQLErrors
	err := b.write(ctx, func() error {
		var err error
		data, gerrs, err = b.mutate(ctx, doc, vars)
		return err
	})
	if err != nil {
		var status answerStatus
		if errors.As(err, &status) && status >= 500 {
			return ops, err // nothing says what ran: all of it again
		}
		for _, o := range ops {
			errs[o.i] = err
		}
		return nil, nil
	}
	byAlias := map[string]GraphQLErrors{}
	var docErrs GraphQLErrors
	for _, e := range gerrs {
		if alias, ok := e.alias(); ok && slices.Contains(aliases, alias) {
			byAlias[alias] = append(byAlias[alias], e)
		} else {
			docErrs = append(docErrs, e)
		}
	}
	var left []op
	why := error(docErrs)
	if len(docErrs) == 0 {
		why = errors.New("GitHub's answer left it out")
	}
	for k, o := range ops {
		alias := aliases[k]
		if v, ok := data[alias]; ok && string(v) != "null" {
			continue // applied
		}
		own := byAlias[alias]
		switch {
		case len(own) > 0 && !own.cutShort():
			errs[o.i] = errors.Join(errs[o.i], own)
		case len(own) == 0 && data == nil && len(docErrs) > 0:
			errs[o.i] = docErrs // the document was refused whole
		default:
			if len(own) > 0 && len(docErrs) == 0 {
				why = own
			}
			left = append(left, o)
		}
	}
	return left, why
}

// alias is the top-level field an error names, when it names one.
func (e GraphQLError) alias() (string, bool) {
	if len(e.Path) == 0 {
		return "", false
	}
	s, ok := e.Path[0].(string)
	return s, ok
}

// cutShort reports whether every error says the document ran out before
// this mutation, rather than that the mutation itself is wrong.
func (e GraphQLErrors) cutShort() bool {
	for _, x := range e {
		if x.Type != "RESOURCE_LIMITS_EXCEEDED" {
			return false
		}
	}
	return true
}

// mutate sends a mutation document and returns what GitHub answered for
// each alias (null or absent: not applied) and its errors: a document cut
// short applied the mutations its data answers.
func (b *Board) mutate(ctx context.Context, doc string, vars map[string]any) (map[string]json.RawMessage, GraphQLErrors, error) {
	raw, errs, err := b.c.exchange(ctx, doc, vars)
	if err != nil {
		return nil, nil, err
	}
	var data map[string]json.RawMessage
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &data); err != nil {
			return nil, nil, fmt.Errorf("GitHub GraphQL: %w", err)
		}
	}
	return data, errs, nil
}

// setItemsDocument writes the document and variables for ops, the n-th
// item among them under aliases sN, pN, tN, mN and aN; aliases[k] is
// ops[k]'s.
func setItemsDocument(info *boardInfo, changes []port.BoardChange, sets []itemSet, ops []op) (string, map[string]any, []string) {
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
	aliases := make([]string, len(ops))
	n := -1
	for k, o := range ops {
		if k == 0 || ops[k-1].i != o.i {
			n++
			vars[fmt.Sprint("item", n)] = changes[o.i].Item
			fmt.Fprintf(&params, ", $item%d: ID!", n)
		}
		x, item := sets[o.i], fmt.Sprint("item", n)
		alias := fmt.Sprintf("%c%d", o.kind, n)
		aliases[k] = alias
		switch o.kind {
		case 's':
			field(alias, "statusField", info.status.id, fmt.Sprint("status", n), x.status, item)
		case 'p':
			field(alias, "priorityField", info.priority.id, fmt.Sprint("priority", n), x.priority, item)
		case 't':
			field(alias, "iterationField", info.iteration.id, fmt.Sprint("iteration", n), x.iteration, item)
		case 'm':
			vars[fmt.Sprint("after", n)] = x.after
			fmt.Fprintf(&params, ", $after%d: ID", n)
			fmt.Fprintf(&body, "  %s: updateProjectV2ItemPosition(input: {projectId: $projectId, itemId: $%s, afterId: $after%d}) {\n    clientMutationId\n  }\n", alias, item, n)
		case 'a':
			fmt.Fprintf(&body, "  %s: archiveProjectV2Item(input: {projectId: $projectId, itemId: $%s}) {\n    item { id }\n  }\n", alias, item)
		}
	}
	return "mutation SetItems(" + params.String() + ") {\n" + body.String() + "}", vars, aliases
}

// Items lists the board's items in the board's order, with their status,
// priority and iteration; archived items are not on it. The first call of a Board's life takes the first
// page from the document that found the project.
func (b *Board) Items(ctx context.Context) ([]port.BoardItem, error) {
	info, page, err := b.findWithItems(ctx)
	if err != nil {
		return nil, err
	}
	return b.items(ctx, info, page)
}

// items lists the board's items from page on (nil: from the first page,
// read now), reading the pages after it.
func (b *Board) items(ctx context.Context, info *boardInfo, page *itemsPage) ([]port.BoardItem, error) {
	var out []port.BoardItem
	var cursor any
	for range 100 { // 10,000 items: far more than a support board holds
		if page == nil {
			var q struct{ Node struct{ Items itemsPage } }
			vars := fieldNames(info.status.name, info.priority.name, info.iteration.name)
			vars["projectId"], vars["cursor"] = info.id, cursor
			if err := b.c.GraphQL(ctx, QueryListItems, vars, &q); err != nil {
				return nil, err
			}
			page = &q.Node.Items
		}
		for _, n := range page.Nodes {
			if n.IsArchived {
				continue // off the board's views; the items connection still lists it
			}
			it := port.BoardItem{ID: n.ID, Issue: n.Content.Number, Repo: n.Content.Repository.NameWithOwner,
				Status: info.status.names[n.Status.OptionID], Priority: info.priority.names[n.Priority.OptionID]}
			if x, ok := info.iteration.iteration(n.Iteration.IterationID); ok {
				it.SprintEnd = x.start.AddDays(x.days)
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
