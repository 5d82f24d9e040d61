package comms

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/roster"
)

// Requester is what a message to a requester may say about its ticket.
type Requester struct {
	TicketID      int64
	Subject       string
	RequesterName string
	Team          string
	Stewards      []string  // names of the stewards on duty
	NextUpdate    time.Time // when the team will write next
	Location      *time.Location
	// Summary and IssueURL are for the resolved message.
	Summary  string
	IssueURL string
}

// Outgoing is one message to a requester, ready to go: a public reply, or
// a private note holding the text for a steward to send (draft).
type Outgoing struct {
	Draft bool
	HTML  string
	Text  string
}

// DraftHeading opens a drafted message's note, so steward (and people)
// can tell the draft from other notes.
func DraftHeading(kind string) string {
	return "steward drafted the " + kind + " reply below; send it to the requester as it is or edited:"
}

// Compose fills a message's template for a requester. kind names the
// message ("acknowledge", "resolved") in a draft's heading.
func Compose(kind string, m roster.Message, f Requester) Outgoing {
	text := roster.Fill(m.Template, values(f))
	out := Outgoing{Draft: m.Mode == roster.Draft, Text: text}
	body := toHTML(text)
	if out.Draft {
		body = "<p><em>" + html.EscapeString(DraftHeading(kind)) + "</em></p>\n" + body
	}
	out.HTML = body
	return out
}

func values(f Requester) map[string]string {
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	v := map[string]string{
		"requester_first_name": firstName(f.RequesterName),
		"ticket_id":            strconv.FormatInt(f.TicketID, 10),
		"subject":              f.Subject,
		"team":                 f.Team,
		"stewards":             And(f.Stewards),
		"summary":              f.Summary,
		"issue_url":            f.IssueURL,
	}
	if !f.NextUpdate.IsZero() {
		v["next_update"] = f.NextUpdate.In(loc).Format("Monday 2 January")
	}
	if v["stewards"] == "" {
		v["stewards"] = "the Support Stewards"
	}
	return v
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return "there"
}

// And joins names as a sentence does: "A", "A and B", "A, B and C".
func And(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// toHTML turns plain text into FreshDesk's HTML body: every character
// escaped, blank lines between paragraphs, single newlines kept.
func toHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		para = strings.Trim(para, "\n")
		if para == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		for i := range lines {
			lines[i] = html.EscapeString(lines[i])
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>\n")
	}
	return b.String()
}

// Acknowledged reports whether a ticket needs no acknowledgement any more:
// an agent replied to the requester (steward's own reply included), or
// steward already drafted one.
func Acknowledged(firstResponded, agentResponded time.Time, convs []Said) bool {
	if !firstResponded.IsZero() || !agentResponded.IsZero() {
		return true
	}
	for _, c := range convs {
		if !c.Incoming && !c.Private {
			return true
		}
		if c.Private && strings.Contains(c.Text, DraftHeading("acknowledge")) {
			return true
		}
	}
	return false
}

// Said is one reply or note, as far as comms cares.
type Said struct {
	Incoming, Private bool
	Text              string
}
