package mirror

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// Render says how issues and notes read.
type Render struct {
	Repo          string // owner/name
	TicketURL     func(id int64) string
	Location      *time.Location
	Calendar      *workdays.Calendar
	FirstResponse int // working days
}

// Title is the issue's title: the ticket's subject.
func Title(s State) string {
	if t := strings.TrimSpace(s.Subject); t != "" {
		return t
	}
	return fmt.Sprintf("FreshDesk ticket #%d", s.Ticket)
}

// Body renders the issue body from the synced state. It carries no personal
// data unless the state does (include_requester, include_description).
func (r Render) Body(s State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n**Support ticket [#%d](%s)**\n\n| | |\n|---|---|\n", s.marker(), s.Ticket, r.TicketURL(s.Ticket))
	fmt.Fprintf(&b, "| Priority | %s |\n", sla.PriorityName(s.Priority))
	fmt.Fprintf(&b, "| Status | %s |\n", StatusName(s.Status))
	if s.Hub != "" {
		fmt.Fprintf(&b, "| Hub | %s |\n", untrusted.Of(s.Hub).Markdown())
	}
	if s.Event {
		b.WriteString("| Event | the hub has an event on now |\n")
	}
	if !s.Created.IsZero() {
		fmt.Fprintf(&b, "| Created | %s |\n", s.Created.In(r.Location).Format("2006-01-02 15:04 MST"))
		if r.Calendar != nil && r.FirstResponse > 0 {
			due := r.Calendar.AddDays(s.Created, r.FirstResponse)
			fmt.Fprintf(&b, "| First response due | %s |\n", due.In(r.Location).Format("2006-01-02 15:04 MST"))
		}
	}
	if s.Requester != "" {
		fmt.Fprintf(&b, "| Requester | %s |\n", untrusted.Of(s.Requester).Markdown())
	}
	if s.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", untrusted.Of(s.Description).MarkdownQuote())
	}
	b.WriteString("\n_This issue mirrors a support ticket. The conversation stays private in FreshDesk; steward keeps status, priority and subject in step both ways._\n")
	b.WriteString(blockEnd + "\n")
	return b.String()
}

// blockEnd closes steward's part of an issue body; what people wrote
// around it is theirs and stays.
const blockEnd = "<!-- /steward -->"

// withBlock puts steward's block into body in place of the old one (the
// last, as parseState reads it), or after the person's text when there is
// none.
func withBlock(body, block string) string {
	start := strings.LastIndex(body, markerPrefix)
	if start < 0 {
		if strings.TrimSpace(body) == "" {
			return block
		}
		return strings.TrimRight(body, "\n") + "\n\n" + block
	}
	end := strings.Index(body[start:], blockEnd)
	if end < 0 {
		return body[:start] + block // an old block without its end: it ran to the end
	}
	end += start + len(blockEnd)
	if end < len(body) && body[end] == '\n' {
		end++
	}
	return body[:start] + block + body[end:]
}

// PriorityLabel is the GitHub label for a FreshDesk priority.
func PriorityLabel(p int) string { return "priority: " + strings.ToLower(sla.PriorityName(p)) }

// LinkNote is the private note that links a ticket to its issue.
func LinkNote(repo string, issue int, url string) string {
	return fmt.Sprintf(`<p>Engineering work for this ticket is tracked in <a href="%s">%s#%d</a>.</p>`+linkMarkerPrefix+`%d -->`,
		html.EscapeString(url), html.EscapeString(repo), issue, issue)
}

func linkMarker(issue int) string { return fmt.Sprintf(linkMarkerPrefix+"%d -->", issue) }

const linkMarkerPrefix = "<!-- steward:link issue="

// Closing is a pull request that closed an issue.
type Closing struct {
	Number int
	Title  string
	URL    string
	Author string
}

// ResolvedNote summarises what was done, for the ticket's private record.
func ResolvedNote(repo string, issue int, issueURL, closedBy string, closedAt time.Time, pulls []Closing) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<p>Resolved: the engineering issue <a href="%s">%s#%d</a> was closed as completed`, html.EscapeString(issueURL), html.EscapeString(repo), issue)
	if closedBy != "" {
		fmt.Fprintf(&b, " by @%s", html.EscapeString(closedBy))
	}
	fmt.Fprintf(&b, " on %s.</p>", closedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if len(pulls) > 0 {
		b.WriteString("<p>Pull requests:</p><ul>")
		for _, p := range pulls {
			fmt.Fprintf(&b, `<li><a href="%s">#%d %s</a> by @%s</li>`, html.EscapeString(p.URL), p.Number, html.EscapeString(p.Title), html.EscapeString(p.Author))
		}
		b.WriteString("</ul>")
	}
	b.WriteString(resolvedMarker(issue, closedAt))
	return b.String()
}

func resolvedMarker(issue int, closedAt time.Time) string {
	return fmt.Sprintf("<!-- steward:resolved issue=%d closed=%s -->", issue, closedAt.UTC().Format(time.RFC3339))
}

// Summary is what was done for a ticket, in plain text for its requester
// (the resolved message's {{summary}}): the issue's title, the pull
// requests that closed it and who made them, or who closed it.
func Summary(title, closedBy string, pulls []Closing) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(title))
	switch {
	case len(pulls) > 0:
		b.WriteString(": fixed in ")
		for i, p := range pulls {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "pull request #%d (%s) by @%s", p.Number, p.Title, p.Author)
		}
	case closedBy != "":
		fmt.Fprintf(&b, ": done by @%s", closedBy)
	}
	b.WriteString(".")
	return b.String()
}

// ResolvedMessageMarker records on a ticket, inside the message itself,
// that the resolved message was sent or drafted: it goes once per ticket.
func ResolvedMessageMarker(ticket int64) string {
	return fmt.Sprintf("<!-- steward:resolved-message ticket=%d -->", ticket)
}
