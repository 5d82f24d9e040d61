package demo

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/wire"
)

// requesterChapter tells the requester's side: every ticket no agent had
// answered gets roster.yaml's acknowledgement, once.
func requesterChapter(ctx context.Context, w *World, c wire.Clients, st *Story) error {
	ch := st.chapter("The requester's side")
	if w.Roster.Communication.Acknowledge == nil {
		ch.say("roster.yaml has no communication.acknowledge, so steward writes to no requester: add a template to acknowledge every new ticket.")
		return nil
	}
	res, err := c.Acknowledge().Run(ctx, false)
	if err != nil {
		return fmt.Errorf("acknowledging: %w", err)
	}
	st.Facts.Acknowledged = append(res.Sent, res.Drafted...)
	verb := "sent each a public reply"
	if len(res.Sent) == 0 {
		verb = "drafted each a private note holding the reply, for a steward to send"
	}
	ch.say("%d open tickets had no answer from an agent yet; steward %s from roster.yaml's acknowledge template.", len(st.Facts.Acknowledged), verb)
	if len(st.Facts.Acknowledged) > 0 {
		id := st.Facts.Acknowledged[0]
		for _, cv := range w.Freshdesk.Conversations(id) {
			if !cv.Incoming {
				who := "Ticket %d's requester read:\n%s"
				if cv.Private {
					who = "The reply drafted on ticket %d reads:\n%s"
				}
				ch.say(who, id, indent(plain(cv.Body)))
				break
			}
		}
	}
	again, err := c.Acknowledge().Run(ctx, false)
	if err != nil {
		return fmt.Errorf("acknowledging again: %w", err)
	}
	ch.say("Run again, it writes %d more: a ticket is acknowledged once, and never after an agent answered. Updates stay the stewards' to write; a ticket whose last reply is older than sla.update_every working days is raised on its issue or the dashboard, to a wider audience each period.",
		len(again.Sent)+len(again.Drafted))
	return nil
}

var tag = regexp.MustCompile(`<[^>]*>`)

// plain turns a reply's HTML back into text for the story.
func plain(body string) string {
	body = strings.ReplaceAll(body, "<br>", "\n")
	body = strings.ReplaceAll(body, "</p>\n", "</p>")
	body = strings.ReplaceAll(body, "</p>", "\n\n")
	return strings.TrimSpace(html.UnescapeString(tag.ReplaceAllString(body, "")))
}

func indent(s string) string {
	return "    | " + strings.ReplaceAll(s, "\n", "\n    | ")
}

// resolvedDraft reports whether ticket got steward's drafted resolved reply.
func resolvedDraft(w *World, ticket int64) bool {
	for _, cv := range w.Freshdesk.Conversations(ticket) {
		if cv.Private && strings.Contains(cv.Body, html.EscapeString(comms.DraftHeading("resolved"))) {
			return true
		}
	}
	return false
}
