package port

import "time"

// SupportIssue is a `support` issue as the Slack part needs it: its link,
// its body (with the hidden marker naming the ticket it mirrors), its state
// and dates, and who it is assigned to.
type SupportIssue struct {
	Number int
	// URL is the issue's html_url, the link people follow.
	URL       string
	Body      string
	Open      bool
	Created   time.Time
	Assignees []string // GitHub logins
}

// Assignment is one time someone was assigned an issue.
type Assignment struct {
	Login string
	At    time.Time
}
