package port

import (
	"context"

	"github.com/support-steward/steward/internal/civil"
)

// Board is the team's Projects v2 board.
type Board interface {
	// Add puts an issue (by its node id) on the board and returns its
	// item id; an issue already there gives its existing item, restored
	// when it was archived.
	Add(ctx context.Context, issueNodeID string) (string, error)
	// Set changes one item's fields and position in one request.
	Set(ctx context.Context, item string, s BoardSet) error
	// SetMany changes many items, in order, with as few requests as it
	// can; errs[i] is the error of changes[i], nil when it was made.
	SetMany(ctx context.Context, changes []BoardChange) (errs []error)
	// Items lists the board's items in their order, top first; archived
	// items are not on it.
	Items(ctx context.Context) ([]BoardItem, error)
	// Hold keeps other passes of this process off the board until release
	// is called, so one pass's read and the writes computed from it are
	// not interleaved with another's (two deliveries for different keys
	// at once). Other processes are not held: the next pass corrects.
	Hold() (release func())
}

// BoardAddReader is a board whose add reads back, in the same request,
// what a pass that has just created an issue needs next: the board and the
// issues of the issue's repository carrying labels that changed last, as
// they are after the add. Such a pass then reads nothing else.
type BoardAddReader interface {
	AddAndRead(ctx context.Context, issueNodeID string, labels []string) (AddedItem, error)
	// Remove takes an item off the board for good (deleted, not
	// archived): one added for an issue then found to be a duplicate.
	Remove(ctx context.Context, item string) error
}

// AddedItem is what AddAndRead answers.
type AddedItem struct {
	Item  string      // the issue's item
	Items []BoardItem // the board after the add, top first, archived items left out
	// Recent is the issues carrying the labels, open or closed, that
	// changed last, the last changed first; Whole when it is all of them.
	Recent []Issue
	Whole  bool
}

// BoardSet is what to change of one item; zero fields stay as they are.
type BoardSet struct {
	// Status is an option of the status field by name ("" leaves it;
	// Done is the closed issues' column).
	Status string
	// Priority is an option of the priority field by name.
	Priority string
	// Iteration, when not zero, sets the iteration holding that day, or
	// the next one to start.
	Iteration civil.Date
	// Move positions the item: Top, or After another item.
	Move  bool
	After string // item id; "" with Move is the top
	// Archive takes the item off the board's views, after the other
	// changes (an archived item takes none); Items no longer lists it.
	Archive bool
}

// BoardChange is one item's change in a SetMany.
type BoardChange struct {
	Item string
	Set  BoardSet
}

// BoardItem is one item of the board.
type BoardItem struct {
	ID       string
	Issue    int    // 0: not an issue of the repository
	Repo     string // owner/name of the issue
	Status   string // option name
	Priority string // option name
	// SprintEnd is the first day after the item's iteration; zero when it
	// has none.
	SprintEnd civil.Date
}

// SettingError is a board setting of roster.yaml the board does not have
// (a field, an option), named by the setting's path
// ("integrations.github.project.status_option"): the roster is wrong, not
// the connection.
type SettingError struct {
	Setting string
	Message string
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Message }
