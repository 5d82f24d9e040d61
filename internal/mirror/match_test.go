package mirror

import "testing"

// A dry-run dispatch tells the person who asked why a ticket gets no
// issue: the reason is the one Matches acted on, spam first.
func TestUnmatchedSaysWhyATicketIsNotMirrored(t *testing.T) {
	c := Config{Tags: []string{"engineering", "hub-down"}, MinPriority: 4}
	for _, tc := range []struct {
		t    Ticket
		want string
	}{
		{Ticket{Tags: []string{"engineering"}}, ""},
		{Ticket{Priority: 4}, ""},
		{Ticket{Tags: []string{"engineering"}, Spam: true}, "it is marked as spam"},
		{Ticket{Tags: []string{"billing"}, Priority: 2}, "it carries none of the mirrored tags (engineering, hub-down) and its priority is below Urgent"},
	} {
		if got := c.Unmatched(tc.t); got != tc.want || (got == "") != c.Matches(tc.t) {
			t.Errorf("%+v: %q, want %q", tc.t, got, tc.want)
		}
	}
	if got := (Config{Tags: []string{"engineering"}}).Unmatched(Ticket{}); got != "it carries none of the mirrored tags (engineering)" {
		t.Errorf("without min_priority: %q", got)
	}
}
