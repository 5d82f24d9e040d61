package freshdesk

import (
	"context"
	"html"
	"regexp"
	"strings"

	"github.com/support-steward/steward/internal/port"
)

// Notes adapts the client to port.TicketNotes: a ticket's private notes,
// where steward records what it did for the ticket elsewhere (its Slack
// thread) so that no database is needed to find it again.
type Notes struct{ C *Client }

var _ port.TicketNotes = Notes{}

// Notes returns the ticket's private notes as plain text, oldest first.
// FreshDesk lists conversations oldest first; public replies and the
// requester's messages are left out.
func (n Notes) Notes(ctx context.Context, ticket int64) ([]port.Note, error) {
	list, err := n.C.Conversations(ctx, ticket)
	if err != nil {
		return nil, err
	}
	var out []port.Note
	for _, c := range list {
		if !c.Private || c.Incoming {
			continue
		}
		out = append(out, port.Note{ID: c.ID, Text: noteText(c.Body, c.BodyText), CreatedAt: c.CreatedAt})
	}
	return out, nil
}

// AddNote adds text as a private note; the text is escaped, its line breaks
// kept, so nothing in it is taken as markup.
func (n Notes) AddNote(ctx context.Context, ticket int64, text string) error {
	_, err := n.C.AddNote(ctx, ticket, noteHTML(text), true)
	return err
}

// noteHTML renders plain text as a note's HTML body.
func noteHTML(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = html.EscapeString(l)
	}
	return "<div>" + strings.Join(lines, "<br>") + "</div>"
}

var (
	lineBreaks = regexp.MustCompile(`(?i)<br\s*/?>|</?(?:div|p)\b[^>]*>`)
	anyTag     = regexp.MustCompile(`<[^>]*>`)
)

// noteText turns a note's HTML back into text with its lines: FreshDesk's
// body_text may run the lines together, and the records steward keeps in
// notes are one a line.
func noteText(body, bodyText string) string {
	if body == "" {
		return bodyText
	}
	s := lineBreaks.ReplaceAllString(body, "\n")
	s = html.UnescapeString(anyTag.ReplaceAllString(s, ""))
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
