package gh

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/cachedir"
	"github.com/support-steward/steward/internal/port"
)

var _ port.BoardAddReader = (*Board)(nil)

// recentIssues is how many of the support issues that changed last
// AddAndRead reads back: enough to reach, on most repositories, back past
// the list the pass read before it created the issue, so a twin another
// run made or adopted since shows in it (the caller checks it does).
const recentIssues = 50

// projectIDs keeps, by project, the node id a board read found, in memory
// and in STEWARD_CACHE_DIR: with it, a run that creates an issue adds it
// to the board without reading the board first (AddAndRead). A project's
// id never changes; one deleted and made again under the same number has
// a new one, which AddAndRead finds when GitHub refuses the old.
type projectIDs struct {
	dir string
	mu  sync.Mutex
	m   map[string]string
}

// maxProjectIDFile bounds the file read back: an id and its JSON.
const maxProjectIDFile = 4 << 10

func (p *projectIDs) file(key string) string { return cachedir.Name("project", key) }

func (p *projectIDs) get(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id, ok := p.m[key]; ok || p.dir == "" {
		return id
	}
	data, err := cachedir.Read(filepath.Join(p.dir, p.file(key)), maxProjectIDFile)
	if err != nil {
		return ""
	}
	var kept struct {
		Project string `json:"project"`
		ID      string `json:"id"`
	}
	if json.Unmarshal(data, &kept) != nil || kept.Project != key {
		return ""
	}
	return kept.ID
}

func (p *projectIDs) put(key, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]string{}
	}
	if p.m[key] == id {
		return
	}
	p.m[key] = id
	if p.dir == "" {
		return
	}
	if id == "" {
		os.Remove(filepath.Join(p.dir, p.file(key)))
		return
	}
	data, _ := json.Marshal(map[string]string{"project": key, "id": id})
	cachedir.Write(p.dir, p.file(key), data) // losing it costs one board read
}

// AddAndRead puts the issue on the board, as Add, and reads back in the
// same request the board and the issues (open or closed) of the issue's
// repository that carry labels and changed last, as they are after the
// add: what a pass that has just created the issue needs to find a twin
// another run made or adopted and to place the item, with no read of its
// own. It needs the
// project's id: known from an earlier read in this process or a kept one,
// else read first (one request more). A kept id GitHub no longer knows is
// forgotten and the project read again.
func (b *Board) AddAndRead(ctx context.Context, issueNodeID string, labels []string) (port.AddedItem, error) {
	id, kept := "", false
	b.mu.Lock()
	if b.info != nil {
		id = b.info.id
	}
	b.mu.Unlock()
	if id == "" {
		id, kept = b.c.projects.get(b.key()), true
	}
	if id == "" {
		info, err := b.find(ctx)
		if err != nil {
			return port.AddedItem{}, err
		}
		id, kept = info.id, false
	}
	out, err := b.addAndRead(ctx, id, issueNodeID, labels)
	var gerrs GraphQLErrors
	if kept && errors.As(err, &gerrs) && gerrs.refuse(id) {
		b.c.projects.put(b.key(), "")
		info, ferr := b.find(ctx)
		if ferr != nil {
			return port.AddedItem{}, ferr
		}
		return b.addAndRead(ctx, info.id, issueNodeID, labels)
	}
	return out, err
}

// refuse tells an answer whose errors include GitHub's refusal of a node
// id (NOT_FOUND naming it).
func (e GraphQLErrors) refuse(id string) bool {
	for _, x := range e {
		if x.Type == "NOT_FOUND" && strings.Contains(x.Message, id) {
			return true
		}
	}
	return false
}

func (b *Board) addAndRead(ctx context.Context, projectID, issueNodeID string, labels []string) (port.AddedItem, error) {
	var answer struct {
		AddProjectV2ItemByID struct {
			Item struct {
				ID         string
				IsArchived bool
				Content    struct {
					Repository struct {
						Issues struct{ Nodes []gqlIssue }
					}
				}
				Project projectNode
			}
		} `json:"addProjectV2ItemById"`
	}
	vars := fieldNames(b.p.StatusField, b.p.PriorityField, b.p.IterationField)
	vars["projectId"], vars["contentId"], vars["labels"], vars["recent"], vars["cursor"] = projectID, issueNodeID, labels, recentIssues, nil
	if err := b.write(ctx, func() error {
		return b.c.GraphQL(ctx, MutationAddItemAndRead, vars, &answer)
	}); err != nil {
		return port.AddedItem{}, err
	}
	it := answer.AddProjectV2ItemByID.Item
	b.mu.Lock()
	b.info = nil // what the answer read is newer than what was known
	info, page, err := b.learn(&it.Project)
	b.mu.Unlock()
	if err != nil {
		return port.AddedItem{}, err
	}
	if it.IsArchived {
		if err := b.write(ctx, func() error {
			return b.c.GraphQL(ctx, MutationUnarchiveItem, map[string]any{"projectId": info.id, "itemId": it.ID}, nil)
		}); err != nil {
			return port.AddedItem{}, fmt.Errorf("restoring archived item %s: %w", it.ID, err)
		}
		page = nil // the page read the item archived
	}
	items, err := b.items(ctx, info, page)
	if err != nil {
		return port.AddedItem{}, err
	}
	nodes := it.Content.Repository.Issues.Nodes
	out := port.AddedItem{Item: it.ID, Items: items, Whole: len(nodes) < recentIssues}
	for _, n := range nodes {
		out.Recent = append(out.Recent, n.issue())
	}
	return out, nil
}

// Remove deletes an item from the project (not archived: it leaves no
// trace on the board).
func (b *Board) Remove(ctx context.Context, item string) error {
	info, err := b.find(ctx)
	if err != nil {
		return err
	}
	return b.write(ctx, func() error {
		return b.c.GraphQL(ctx, MutationDeleteItem, map[string]any{"projectId": info.id, "itemId": item}, nil)
	})
}

// gqlIssue is an issue as MutationAddItemAndRead reads it.
type gqlIssue struct {
	ID, Title, Body, State, StateReason, URL string
	Number                                   int
	CreatedAt, UpdatedAt                     time.Time
	ClosedAt                                 *time.Time
	Labels                                   struct{ Nodes []struct{ Name string } }
}

// issue is the port's issue, in REST's words: GraphQL's OPEN and
// NOT_PLANNED are REST's open and not_planned.
func (n gqlIssue) issue() port.Issue {
	is := port.Issue{Number: n.Number, NodeID: n.ID, Title: n.Title, Body: n.Body, State: strings.ToLower(n.State),
		StateReason: strings.ToLower(n.StateReason), Created: n.CreatedAt, Updated: n.UpdatedAt, URL: n.URL}
	if n.ClosedAt != nil {
		is.ClosedAt = *n.ClosedAt
	}
	for _, l := range n.Labels.Nodes {
		is.Labels = append(is.Labels, l.Name)
	}
	return is
}
