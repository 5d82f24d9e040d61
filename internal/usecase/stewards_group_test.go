package usecase

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/slack"
)

func TestTheStewardsGroupHoldsExactlyTheStewardsOnDuty(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	for _, u := range []string{"U0ADA00001", "U0GRACE001", "U0ALAN0001"} {
		r.s.AddUser(u)
	}
	r.s.AddUserGroup("S0STEWARD1", "support-stewards", "U0ALAN0001", "U0ADA00001")
	g := StewardsGroup{Chat: r.chat, Group: "S0STEWARD1"}
	alan := comms.Person{Name: "Alan Turing", Slack: "U0ALAN0001"}
	members := func() []string {
		got, _ := r.s.UserGroup("S0STEWARD1")
		slices.Sort(got.Users)
		return got.Users
	}

	// The handoff: Alan leaves, Grace joins, Ada stays.
	res, err := g.Sync(ctx, []comms.Person{grace, ada})
	if err != nil || !res.Changed || !slices.Equal(members(), []string{"U0ADA00001", "U0GRACE001"}) {
		t.Fatalf("after the handoff: %+v %v, members %v", res, err, members())
	}
	// Nothing changed: one read, no write.
	r.s.Ledger().Reset()
	if res, err := g.Sync(ctx, []comms.Person{ada, grace}); err != nil || res.Changed || r.s.Ledger().Len() != 1 {
		t.Errorf("unchanged: %+v %v, %d requests", res, err, r.s.Ledger().Len())
	}
	// Someone without a slack id is named, the others are set.
	res, err = g.Sync(ctx, []comms.Person{alan, {Name: "Barbara Liskov"}})
	if err != nil || !strings.Contains(res.Notice, "Barbara Liskov") || !slices.Equal(members(), []string{"U0ALAN0001"}) {
		t.Errorf("a steward without an id: %+v %v, members %v", res, err, members())
	}
	// Nobody with an id: left as it is, no request.
	r.s.Ledger().Reset()
	if res, err := g.Sync(ctx, []comms.Person{{Name: "Barbara Liskov"}}); err != nil || r.s.Ledger().Len() != 0 || !strings.Contains(res.Notice, "left as it is") {
		t.Errorf("nobody with an id: %+v %v", res, err)
	}
	// A free workspace: off, with a notice, not a failure. Slack answers
	// plan_upgrade_required there (issue #25, fact 1; the sandbox learnt it
	// first): steward used to know only paid_teams_only and failed the run.
	r.s.SetFreeWorkspace(true)
	if res, err := g.Sync(ctx, []comms.Person{ada}); err != nil || !res.Off || !strings.Contains(res.Notice, "user group is off") ||
		!strings.Contains(res.Notice, "free plan") {
		t.Errorf("a free workspace: %+v %v", res, err)
	}
	// Any other refusal is a failure that says what to fix.
	r.s.SetFreeWorkspace(false)
	g.Group = "S0NOSUCH01"
	if _, err := g.Sync(ctx, []comms.Person{ada}); err == nil || !strings.Contains(err.Error(), "stewards_usergroup") {
		t.Errorf("an unknown group: %v", err)
	}
}

// usergroups.users.update's other refusals (issue #25, fact 1) fail the
// step with what to do; they are not a feature that is off.
func TestTheStewardsGroupSaysWhatToDoWhenSlackRefusesSomeone(t *testing.T) {
	alan := comms.Person{Name: "Alan Turing", Slack: "U0ALAN0001"}
	for name, c := range map[string]struct {
		opts   sandbox.SlackOptions
		fail   string
		onDuty []comms.Person
		want   []string
	}{
		"a steward Slack cannot add": {fail: "U0GRACE001", onDuty: []comms.Person{ada, grace},
			want: []string{"failed_for_some_users", "engineers[].slack", "active"}},
		"more stewards than the group may hold": {opts: sandbox.SlackOptions{MaxGroupUsers: 2}, onDuty: []comms.Person{ada, grace, alan},
			want: []string{"subteam_max_users_exceeded", "support.team_size"}},
	} {
		t.Run(name, func(t *testing.T) {
			c.opts.Token = token
			s := sandbox.NewSlack(c.opts)
			for _, u := range []string{"U0ADA00001", "U0GRACE001", "U0ALAN0001"} {
				s.AddUser(u)
			}
			s.AddUserGroup("S0STEWARD1", "support-stewards", "U0ADA00001")
			s.FailForUsers(c.fail)
			chat, err := slack.New(slack.Options{Token: token, APIURL: "http://slack.sandbox/api/", Transport: sandbox.Transport{Handler: s}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := StewardsGroup{Chat: chat, Group: "S0STEWARD1"}.Sync(context.Background(), c.onDuty)
			if err == nil || res.Off || res.Changed {
				t.Fatalf("%+v %v: want a failure", res, err)
			}
			for _, w := range append(c.want, "S0STEWARD1") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			if g, _ := s.UserGroup("S0STEWARD1"); !slices.Equal(g.Users, []string{"U0ADA00001"}) {
				t.Errorf("the group holds %v", g.Users)
			}
		})
	}
}
