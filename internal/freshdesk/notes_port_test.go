package freshdesk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/sandbox"
)

func TestNotesKeepTheirLinesAndTextAndLeaveOutReplies(t *testing.T) {
	fd, c, _ := start(t, sandbox.FreshdeskOptions{})
	id := fd.AddTicket(sandbox.FDTicket{Subject: "Hub down"})
	ctx := context.Background()
	n := freshdesk.Notes{C: c}
	fd.CustomerReply(id, "<p>still down</p>")
	if _, err := c.Reply(ctx, id, "<p>Looking into it</p>"); err != nil {
		t.Fatal(err)
	}
	first := "Slack thread: https://acme.slack.com/archives/C0123/p1700000000123456\nsteward:slack-thread C0123 1700000000.123456"
	second := "a <b>bold</b> claim & an </div> that is text, not markup"
	for _, text := range []string{first, second} {
		if err := n.AddNote(ctx, id, text); err != nil {
			t.Fatal(err)
		}
	}
	got, err := n.Notes(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d notes, want the 2 private ones (not the reply nor the requester's message): %+v", len(got), got)
	}
	if got[0].Text != first || got[1].Text != second {
		t.Errorf("notes do not read back as written:\n%q\n%q", got[0].Text, got[1].Text)
	}
	if got[0].ID >= got[1].ID {
		t.Errorf("ids %d, %d: a later note must have a larger id", got[0].ID, got[1].ID)
	}
	for _, conv := range fd.Conversations(id) {
		if strings.Contains(conv.Body, "<b>") {
			t.Errorf("text reached FreshDesk as markup: %q", conv.Body)
		}
	}
}
