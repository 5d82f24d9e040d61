package rosterpr

import (
	"bytes"
	"path"
	"path/filepath"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/page"
	"github.com/support-steward/steward/internal/roster"
)

// teamPage renders the team-roles page of the proposed roster as of the
// handoff, so an unchanged proposal writes the same bytes. The page links
// the calendar file when the pull request writes one too.
func teamPage(repo Repo, content []byte, handoff civil.Date) ([]byte, error) {
	nr, probs := roster.Parse(repo.Path, content)
	if nr == nil {
		return nil, probs.Errors()
	}
	var links page.Links
	if repo.CalendarPath != "" {
		if rel, err := filepath.Rel(path.Dir(repo.PagePath), repo.CalendarPath); err == nil {
			links.Team = filepath.ToSlash(rel)
		}
	}
	from, until := page.DefaultRange(handoff)
	var buf bytes.Buffer
	if err := page.Render(&buf, page.FromRotation(nr, handoff, from, until, links)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
