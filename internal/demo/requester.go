package demo

import (
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/run"
)

// 4. The requester's side: every ticket no agent had answered got
// roster.yaml's acknowledgement, once; the runs after the first measure
// "once".
func (st *Story) tellRequester(w *World, first, next, again run.Report) {
	ch := st.chapter("The requester's side")
	res := first.Acknowledged
	if res == nil {
		if w.Roster.Communication.Acknowledge == nil {
			ch.say("roster.yaml has no communication.acknowledge, so steward writes to no requester: add a template to acknowledge every new ticket.")
		} else {
			ch.say("The run acknowledged nothing: %s", partText(part(first, "acknowledge")))
		}
		return
	}
	st.Facts.Acknowledged = append(slices.Clone(res.Sent), res.Drafted...)
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
	more := 0
	for _, r := range []run.Report{next, again} {
		if r.Acknowledged != nil {
			more += len(r.Acknowledged.Sent) + len(r.Acknowledged.Drafted)
		}
	}
	ch.say("The two runs after it wrote %d more: a ticket is acknowledged once, and never after an agent answered. Updates stay the stewards' to write; a ticket whose last reply is older than sla.update_every working days is raised on its issue or the dashboard, to a wider audience each period.", more)
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
