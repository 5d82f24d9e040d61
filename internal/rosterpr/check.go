package rosterpr

import (
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// CheckName is the check run steward reports on roster changes.
const CheckName = "steward: roster"

// CheckResult is what a roster check found and where it said so.
type CheckResult struct {
	Title       string `json:"title"`
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
	CheckRun    int64  `json:"check_run,omitempty"`
	PullRequest int    `json:"pull_request,omitempty"`
	Comment     int64  `json:"comment,omitempty"`
	Summary     string `json:"-"`
}

// Check validates a roster change and shows how the schedule changes from
// base to head over the next 26 weeks from today. It reads nothing: the
// caller brings both versions (base nil when the file is new), from the
// GitHub API or from a local checkout, so a check needs no credentials.
func Check(path string, head, base []byte, today civil.Date) (CheckResult, roster.Problems) {
	h, parsed := roster.Parse(path, head)
	probs := rotation.Problems(h, parsed, today)
	var diff *rotation.Diff
	if h != nil {
		from, until := today, today.AddDays(26*7)
		baseSched := rotation.Schedule{}
		if base != nil {
			if b, _ := roster.Parse(path, base); b != nil {
				baseSched = rotation.Compute(b, from, until)
				probs = append(probs, pastProblems(path, b, h, today)...)
			}
		}
		d := rotation.Compare(baseSched, rotation.Compute(h, from, until), from, until)
		diff = &d
	}
	title, summary := CheckReport(path, probs, diff)
	return CheckResult{Title: title, Errors: len(probs.Errors()), Warnings: len(probs.Warnings()), Summary: summary}, probs
}
