package gh

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/port"
)

// Journal is a port.Journal kept as comments on the "Support dashboard"
// issue, each with a hidden marker holding its key and entry: steward's
// record of things done once (a handoff message sent) without a database.
// Reads are conditional, so a journal that did not change costs no counted
// request; only writes (a new entry) notify the issue's watchers, and they
// are rare (handoffs, events).
type Journal struct {
	C           *Client
	Owner, Repo string
	// Dashboard finds the dashboard issue the journal is kept on (0 when
	// there is none) or, with open, opens it: the dashboard's own rules
	// (usecase.Triage.Dashboard), so it is found and made in one way.
	Dashboard func(ctx context.Context, open bool) (int, error)
}

var _ port.Journal = Journal{}

const journalPrefix = "<!-- steward:journal "

var journalRE = regexp.MustCompile(`<!-- steward:journal (\{.*?\}) -->`)

type journalEntry struct {
	Key   string `json:"key"`
	Entry string `json:"entry"`
}

// Entries returns what was recorded under key, oldest first. Without a
// dashboard issue, nothing was recorded.
func (j Journal) Entries(ctx context.Context, key string) ([]string, error) {
	n, err := j.dashboard(ctx, false)
	if err != nil || n == 0 {
		return nil, err
	}
	comments, err := All(func(page int) ([]*github.IssueComment, *github.Response, error) {
		return j.C.rest.Issues.ListComments(ctx, j.Owner, j.Repo, n, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("reading the journal on %s/%s#%d: %w", j.Owner, j.Repo, n, err)
	}
	slices.SortStableFunc(comments, func(a, b *github.IssueComment) int {
		if c := a.GetCreatedAt().Compare(b.GetCreatedAt().Time); c != 0 {
			return c
		}
		return int(a.GetID() - b.GetID())
	})
	var out []string
	for _, c := range comments {
		for _, m := range journalRE.FindAllStringSubmatch(c.GetBody(), -1) {
			var e journalEntry
			if json.Unmarshal([]byte(m[1]), &e) == nil && e.Key == key {
				out = append(out, e.Entry)
			}
		}
	}
	return out, nil
}

// Add records entry under key as a comment on the dashboard issue, opening
// the issue when there is none yet.
func (j Journal) Add(ctx context.Context, key, entry string) error {
	n, err := j.dashboard(ctx, true)
	if err != nil {
		return err
	}
	b, err := json.Marshal(journalEntry{Key: key, Entry: entry})
	if err != nil {
		return err
	}
	// encoding/json escapes < and >; "--" would still end the comment.
	marker := journalPrefix + strings.ReplaceAll(string(b), "--", `-\u002d`) + " -->"
	body := marker + "\n_steward's record: " + humanKey(key) + "._"
	if _, _, err := j.C.rest.Issues.CreateComment(ctx, j.Owner, j.Repo, n, &github.IssueComment{Body: github.String(body)}); err != nil {
		return fmt.Errorf("recording %s on %s/%s#%d: %w", key, j.Owner, j.Repo, n, err)
	}
	return nil
}

// humanKey says in words what a journal key records.
func humanKey(key string) string {
	switch {
	case strings.HasPrefix(key, "slack:handoff:"):
		return "the handoff was announced in Slack"
	case strings.HasPrefix(key, "slack:event:"):
		return "an event was announced in Slack"
	case strings.HasPrefix(key, "slack:usergroup:"):
		return "the stewards' Slack user group was set"
	}
	return "done once"
}

// dashboard is the journal's issue, through Dashboard.
func (j Journal) dashboard(ctx context.Context, open bool) (int, error) {
	if j.Dashboard == nil {
		return 0, fmt.Errorf("%s/%s: the journal has no support dashboard to keep steward's record on", j.Owner, j.Repo)
	}
	return j.Dashboard(ctx, open)
}
