package usecase

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/comms"
)

// The issue may be told before anyone is asked to take it (the Slack part
// ran between the sync that opened it and the routing that asked): the
// ask is then told on its own, not lost; told with the issue, never twice.
func TestTheFirstAskIsToldOnceWhetherOrNotItCameWithTheIssue(t *testing.T) {
	issue := comms.Link{URL: "https://github.com/acme/support/issues/12", Label: "acme/support#12"}
	ask := Ask{Who: grace, At: t0.Add(2 * time.Hour)}
	for _, tc := range []struct {
		name    string
		steps   []func(*TicketLife)
		replies []string
	}{
		{"the issue before the ask", []func(*TicketLife){
			func(l *TicketLife) { l.Issue, l.IssueOpenedAt = issue, t0.Add(time.Hour) },
			func(l *TicketLife) { l.Asked = []Ask{ask} },
		}, []string{"Nobody has been asked to take it yet", ":raising_hand: Asked <@U0GRACE001>"}},
		{"the issue with the ask", []func(*TicketLife){
			func(l *TicketLife) { l.Issue, l.IssueOpenedAt, l.Asked = issue, t0.Add(time.Hour), []Ask{ask} },
			func(l *TicketLife) {},
		}, []string{"Asked <@U0GRACE001> to take it."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil)
			ctx := context.Background()
			l := life(7)
			if _, err := r.th.Sync(ctx, l); err != nil {
				t.Fatal(err)
			}
			var thread = r.s.Parents(tickets)[0]
			for _, step := range tc.steps {
				step(&l)
				r.clock.Advance(time.Hour)
				if _, err := r.th.Sync(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, m := range r.s.Replies(tickets, thread.TS) {
				got = append(got, m.Text)
			}
			if len(got) != len(tc.replies) {
				t.Fatalf("replies:\n%s\nwant %d", strings.Join(got, "\n"), len(tc.replies))
			}
			for i, w := range tc.replies {
				if !strings.Contains(got[i], w) {
					t.Errorf("reply %d %q lacks %q", i, got[i], w)
				}
			}
		})
	}
}
