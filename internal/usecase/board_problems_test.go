package usecase_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/usecase"
)

// validate's board check: a setting the board lacks is an error at that
// setting's line; a board that could not be read is a warning at the
// project's, since the roster may well be right; no error, no problem.
func TestBoardProblems(t *testing.T) {
	src := `version: 1
team: T
timezone: UTC
support: {team_size: 1, tenure: 2w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
integrations:
  github:
    repo: acme/support
    project: {owner: acme, number: 7, done_option: Shipped}
`
	r, probs := roster.Parse("roster.yaml", []byte(src))
	if r == nil {
		t.Fatal(probs)
	}
	if p := usecase.BoardProblems(nil, r, "roster.yaml"); p != nil {
		t.Errorf("no error: %v", p)
	}
	setting := fmt.Errorf("reading the board: %w", &port.SettingError{Setting: "integrations.github.project.done_option", Message: `field "Status" has no option "Shipped"`})
	p := usecase.BoardProblems(setting, r, "roster.yaml")
	if len(p) != 1 || p[0].Severity != roster.Error || p[0].Path != "integrations.github.project.done_option" || p[0].Line != 10 ||
		p[0].Message != `field "Status" has no option "Shipped"` {
		t.Errorf("a setting the board lacks: %+v", p)
	}
	p = usecase.BoardProblems(errors.New("integrations.github.project acme/7: 502 Bad Gateway"), r, "roster.yaml")
	if len(p) != 1 || p[0].Severity != roster.Warning || p[0].Path != "integrations.github.project" || p[0].Line != 10 {
		t.Errorf("an unreadable board: %+v", p)
	}
}
