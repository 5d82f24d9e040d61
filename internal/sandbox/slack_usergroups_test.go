package sandbox

import (
	"net/url"
	"slices"
	"testing"
)

// Source: Slack's method reference for usergroups.users.list and
// usergroups.users.update, and slack-ruby/slack-api-ref
// methods/usergroups/usergroups.users.{list,update}.json (issue #25,
// fact 1; shared/api-facts.md "Corrections and additions"). On a free
// workspace both methods answer plan_upgrade_required; paid_teams_only is
// the answer of usergroups.create and usergroups.update, which steward
// does not call. The emulator used to answer paid_teams_only to both.
func TestSlackAFreeWorkspaceAnswersPlanUpgradeRequired(t *testing.T) {
	r := newSlackRig(t, SlackOptions{FreeWorkspace: true})
	group := url.Values{"usergroup": {"S0STEWARD1"}}
	r.fails("usergroups.users.list", group, "plan_upgrade_required")
	r.fails("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {"U0GRACE001"}}, "plan_upgrade_required")
	if g, _ := r.s.UserGroup("S0STEWARD1"); !slices.Equal(g.Users, []string{"U0ADA00001"}) {
		t.Errorf("a refused update changed the group: %v", g.Users)
	}
	// Upgraded: the same calls work.
	r.s.SetFreeWorkspace(false)
	r.ok("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {"U0GRACE001"}})
	if users := toStrings(r.ok("usergroups.users.list", group)["users"]); !slices.Equal(users, []string{"U0GRACE001"}) {
		t.Errorf("after the upgrade the group holds %v", users)
	}
}

// Source: as above; usergroups.users.update also documents
// failed_for_some_users (some of the users could not be added) and
// subteam_max_users_exceeded (more users than a user group may hold).
// The emulator answers them when a test asks: FailForUsers names users it
// cannot add, SlackOptions.MaxGroupUsers is a user group's cap. A refused
// update leaves the group as it was (Slack's reference does not say
// whether the other users were set; a client must not rely on either).
func TestSlackUserGroupUpdateCanFailForSomeUsersOrOverTheCap(t *testing.T) {
	r := newSlackRig(t, SlackOptions{MaxGroupUsers: 2})
	r.s.AddUser("U0ALAN0001")
	update := func(users string) url.Values { return url.Values{"usergroup": {"S0STEWARD1"}, "users": {users}} }
	members := func() []string {
		g, _ := r.s.UserGroup("S0STEWARD1")
		return g.Users
	}
	r.fails("usergroups.users.update", update("U0ADA00001,U0GRACE001,U0ALAN0001"), "subteam_max_users_exceeded")
	if m := members(); !slices.Equal(m, []string{"U0ADA00001"}) {
		t.Errorf("over the cap, the group changed: %v", m)
	}
	// The cap counts distinct users.
	r.ok("usergroups.users.update", update("U0GRACE001,U0ALAN0001,U0GRACE001"))

	r.s.FailForUsers("U0ALAN0001")
	r.fails("usergroups.users.update", update("U0ADA00001,U0ALAN0001"), "failed_for_some_users")
	if m := members(); !slices.Equal(m, []string{"U0GRACE001", "U0ALAN0001"}) {
		t.Errorf("failed for some users, the group changed: %v", m)
	}
	r.ok("usergroups.users.update", update("U0ADA00001,U0GRACE001"))
	r.s.FailForUsers()
	r.ok("usergroups.users.update", update("U0ALAN0001"))
	// Without a cap, any number of members.
	u := newSlackRig(t, SlackOptions{})
	u.s.AddUser("U0ALAN0001")
	u.ok("usergroups.users.update", update("U0ADA00001,U0GRACE001,U0ALAN0001"))
}
