package mirror

import (
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/sla"
)

// The board is reconciled as a whole, level-triggered, on every run and
// every delivery that touches a support issue: what the board should be is
// computed from what it is and from the support issues as they are now,
// never from what steward recorded doing. So a person's label, a hand-made
// issue, a close as not planned or a reopen reach the board whichever path
// saw them, and a second pass finds nothing to do.
//
// The rules, each named once here:
//   - OnBoard: every open support issue is on the board.
//   - Status: an open support issue's item is not Done (Done or no status
//     becomes the open option; a person's other status stays); a closed
//     one's item is Done, and archived once the issue has been closed for
//     ArchiveAfter, as GitHub's own auto-archive does: a project holds at
//     most 50,000 items (1,200 on older ones), archived ones apart.
//   - Priority: an open item's Priority field is its `priority:` label
//     (Medium without one): the label is the one place priority lives.
//   - Sprint: an open item sits in the current sprint (holding today, else
//     the next to start) unless it is already in a sprint that has not ended.
//   - Order: open support work by impact (Ordered), then the sprint's other
//     items as people ordered them, then closed support issues.
//   - Once: a ticket's work is on the board once. An open issue that
//     mirrors a ticket an older issue mirrors too (two runs that created
//     one at the same moment) is not added, since its run closes it as a
//     duplicate; an issue closed as a duplicate is archived at once.

// BoardRules are the options the rules set.
type BoardRules struct {
	// Open is the status option for open support work; Done the one for
	// closed support issues ("" leaves closed items alone).
	Open, Done string
	// Today is the team's day, for the Sprint rule.
	Today civil.Date
	// Now and ArchiveAfter time the archiving of closed support issues'
	// items: archived once closed for ArchiveAfter (0: never).
	Now          time.Time
	ArchiveAfter time.Duration
}

// ObservedItem is one board item as read.
type ObservedItem struct {
	ID string
	// Issue is the number of this repository's issue the item holds; 0
	// for anything else (a draft, another repository's issue).
	Issue    int
	Status   string
	Priority string
	// SprintEnd is the first day after the item's iteration; zero when it
	// has none.
	SprintEnd civil.Date
	// Added is true for an item this pass just added.
	Added bool
	// Focus is true for an item of the one key a pass reconciles (a
	// dispatch, a delivery): when the order is broken, it moves rather
	// than the others, as an added item does.
	Focus bool
}

// ItemChange is what one item needs, with why. Zero fields stay as they
// are; Move with an empty After is the top.
type ItemChange struct {
	Item     string `json:"item"`
	Issue    int    `json:"issue,omitempty"`
	Status   string `json:"status,omitempty"`
	Priority string `json:"priority,omitempty"`
	Sprint   bool   `json:"sprint,omitempty"`
	// Added is true when the pass added the item (its id, when not a dry
	// run, is GitHub's).
	Added bool   `json:"added,omitempty"`
	Move  bool   `json:"move,omitempty"`
	After string `json:"after,omitempty"`
	// Archive takes the item off the board, after its other changes.
	Archive bool     `json:"archive,omitempty"`
	Reasons []string `json:"reasons"`
}

// MissingFromBoard returns the open support issues that have no item: the
// OnBoard rule. Adding them comes first, since only GitHub names an item.
func MissingFromBoard(items []ObservedItem, issues []Issue) []Issue {
	on := map[int]bool{}
	for _, it := range items {
		on[it.Issue] = true
	}
	twins := newerTwins(issues)
	var out []Issue
	for _, is := range issues {
		if is.State == "open" && !on[is.Number] && !twins[is.Number] {
			out = append(out, is)
		}
	}
	return out
}

// newerTwins returns the issues that mirror a ticket an older issue
// mirrors too: the duplicates Plan closes.
func newerTwins(issues []Issue) map[int]bool {
	groups, _ := mirrorsByTicket(issues)
	twins := map[int]bool{}
	for _, g := range groups {
		for _, is := range g[1:] {
			twins[is.Number] = true
		}
	}
	return twins
}

// BoardChanges returns every change that makes the board follow the rules,
// moves first in the order they must be made (Moves), then field changes.
// issues are every support issue of the repository; items the board as
// read (with the items just added, anywhere). It is empty when the board
// follows the rules.
func BoardChanges(r BoardRules, items []ObservedItem, issues []Issue) []ItemChange {
	byNumber := make(map[int]Issue, len(issues))
	for _, is := range issues {
		byNumber[is.Number] = is
	}
	dom := make([]BoardItem, 0, len(items)) // the items that stay on the board
	var fields []ItemChange
	for _, it := range items {
		is, ok := byNumber[it.Issue]
		if it.Issue == 0 || !ok {
			dom = append(dom, BoardItem{ID: it.ID})
			continue
		}
		c := fieldChange(r, it, is)
		if len(c.Reasons) > 0 {
			fields = append(fields, c)
		}
		if !c.Archive {
			d := ItemOf(it.ID, is)
			d.Fresh, d.Focus = it.Added, it.Focus
			dom = append(dom, d)
		}
	}
	var out []ItemChange
	for _, mv := range Moves(dom) {
		c := ItemChange{Item: mv.ID, Move: true, After: mv.After, Reasons: []string{"the board orders support work by impact, then age"}}
		for i, f := range fields {
			if f.Item == mv.ID {
				c.Issue, c.Status, c.Priority, c.Sprint = f.Issue, f.Status, f.Priority, f.Sprint
				c.Reasons = append(f.Reasons, c.Reasons...)
				fields = append(fields[:i], fields[i+1:]...)
				break
			}
		}
		if c.Issue == 0 {
			for _, it := range items {
				if it.ID == mv.ID {
					c.Issue = it.Issue
				}
			}
		}
		out = append(out, c)
	}
	return append(out, fields...)
}

// fieldChange applies the Status, Priority and Sprint rules to one item of
// a support issue.
func fieldChange(r BoardRules, it ObservedItem, is Issue) ItemChange {
	c := ItemChange{Item: it.ID, Issue: is.Number}
	if is.State != "open" {
		if r.Done == "" {
			return c
		}
		if !strings.EqualFold(it.Status, r.Done) {
			c.Status = r.Done
			c.Reasons = append(c.Reasons, "closed support issues are Done")
		}
		if is.StateReason == "duplicate" {
			c.Archive = true
			c.Reasons = append(c.Reasons, "a ticket's work is on the board once: its duplicate issues leave it")
		} else if r.ArchiveAfter > 0 && !is.ClosedAt.IsZero() && !r.Now.Before(is.ClosedAt.Add(r.ArchiveAfter)) {
			c.Archive = true
			c.Reasons = append(c.Reasons, fmt.Sprintf("closed support issues are archived once Done for %d days", int(r.ArchiveAfter.Hours()/24)))
		}
		return c
	}
	if it.Status == "" || (r.Done != "" && strings.EqualFold(it.Status, r.Done)) {
		c.Status = r.Open
		c.Reasons = append(c.Reasons, "open support work is not Done")
	}
	if want := sla.PriorityName(PriorityOf(is.Labels)); !strings.EqualFold(it.Priority, want) {
		c.Priority = want
		c.Reasons = append(c.Reasons, "the Priority field says what the priority label says")
	}
	if it.SprintEnd.IsZero() || !r.Today.Before(it.SprintEnd) {
		c.Sprint = true
		c.Reasons = append(c.Reasons, "open support work belongs to the current sprint")
	}
	return c
}
