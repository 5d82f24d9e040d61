package demo

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestTheSlackChapterIsTrue(t *testing.T) {
	sample, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	story, w, err := Run(context.Background(), sample, time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	f := story.Facts.Slack
	cfg := w.Roster.Integrations.Slack
	parents := w.Slack.Parents(cfg.TicketsChannel)
	if f.Threads == 0 || len(parents) != f.Threads+f.Announced || f.RunAgainRequests != 0 || f.Requests == 0 {
		t.Errorf("facts %+v, %d parents in the tickets channel", f, len(parents))
	}
	if len(f.GroupMembers) != len(story.Facts.Stewards) {
		t.Errorf("group %v, stewards %v", f.GroupMembers, story.Facts.Stewards)
	}
	for _, p := range parents {
		if strings.Contains(p.Text, "@example.edu") {
			t.Errorf("personal data reached Slack: %q", p.Text)
		}
	}
	last := story.Chapters[len(story.Chapters)-2]
	if last.Title != "Slack" || !strings.Contains(strings.Join(last.Lines, "\n"), "Run again with nothing new: 0.") {
		t.Errorf("chapter %+v", last)
	}
}
