package sla

import (
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/workdays"
)

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDueMoments(t *testing.T) {
	zones := map[string]*time.Location{}
	for _, z := range []string{"America/Los_Angeles", "Europe/London", "Australia/Sydney", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		zones[z] = loc
	}
	holidays := []civil.Date{civil.MustParse("2026-12-25"), civil.MustParse("2026-01-26")}
	p := Policy{FirstResponse: 1, UpdateEvery: 2}
	tests := []struct {
		name, zone string
		ticket     func(loc *time.Location) Ticket
		now        string
		kind       Kind
		due        string
		state      State
	}{
		{"first response on a weekday", "America/Los_Angeles",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-11-18 10:00")} },
			"2026-11-18 12:00", FirstResponse, "2026-11-19 10:00", OK},
		{"Friday afternoon: due Monday afternoon", "America/Los_Angeles",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-11-20 15:00")} },
			"2026-11-23 12:00", FirstResponse, "2026-11-23 15:00", DueSoon},
		{"Saturday: due at the end of Monday", "Europe/London",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-11-21 10:00")} },
			"2026-11-24 09:00", FirstResponse, "2026-11-24 00:00", Overdue},
		{"Christmas skipped", "Europe/London",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-12-24 16:00")} },
			"2026-12-26 10:00", FirstResponse, "2026-12-28 16:00", OK},
		{"Australia Day skipped in Sydney", "Australia/Sydney",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-01-23 09:00")} },
			"2026-01-26 09:00", FirstResponse, "2026-01-27 09:00", OK},
		{"US clocks spring forward on the weekend", "America/Los_Angeles",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-03-06 16:00")} },
			"2026-03-09 13:00", FirstResponse, "2026-03-09 16:00", DueSoon},
		{"Sydney clocks go back in April", "Australia/Sydney",
			func(l *time.Location) Ticket { return Ticket{Status: 2, Created: at(l, "2026-04-03 17:00")} },
			"2026-04-06 18:00", FirstResponse, "2026-04-06 17:00", Overdue},
		{"update due two working days after the last reply", "Asia/Kolkata",
			func(l *time.Location) Ticket {
				return Ticket{Status: 2, Created: at(l, "2026-11-16 09:00"), FirstRespondedAt: at(l, "2026-11-16 11:00"), AgentRespondedAt: at(l, "2026-11-19 14:30")}
			},
			"2026-11-20 09:00", Update, "2026-11-23 14:30", OK},
		{"pending stops the clock", "Asia/Kolkata",
			func(l *time.Location) Ticket {
				return Ticket{Status: 3, Created: at(l, "2026-11-02 09:00"), FirstRespondedAt: at(l, "2026-11-02 10:00"), PendingSince: at(l, "2026-11-02 10:00")}
			},
			"2026-11-20 09:00", "", "", Stopped},
		{"leaving pending restarts the clock", "America/Los_Angeles",
			func(l *time.Location) Ticket {
				return Ticket{Status: 2, Created: at(l, "2026-11-02 09:00"), FirstRespondedAt: at(l, "2026-11-02 10:00"), AgentRespondedAt: at(l, "2026-11-02 10:00"),
					PendingSince: at(l, "2026-11-02 10:00"), StatusUpdatedAt: at(l, "2026-11-18 08:00")}
			},
			"2026-11-19 09:00", Update, "2026-11-20 08:00", OK},
		{"resolved tickets promise nothing", "Europe/London",
			func(l *time.Location) Ticket { return Ticket{Status: 4, Created: at(l, "2026-11-02 09:00")} },
			"2026-11-20 09:00", "", "", Finished},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zones[tt.zone]
			cal := workdays.New(loc, holidays)
			got := Evaluate(tt.ticket(loc), p, cal, at(loc, tt.now))
			if got.Kind != tt.kind || got.State != tt.state {
				t.Errorf("kind %q state %q, want %q %q", got.Kind, got.State, tt.kind, tt.state)
			}
			if tt.due != "" && !got.Due.Equal(at(loc, tt.due)) {
				t.Errorf("due %s, want %s", got.Due.In(loc).Format("2006-01-02 15:04 MST"), tt.due)
			}
		})
	}
}
