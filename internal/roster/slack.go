package roster

import (
	"fmt"
	"regexp"
	"strings"
)

// SlackIntegration says where steward talks with the team in Slack. The
// bot token and the signing secret come from the environment
// (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET), never from here.
type SlackIntegration struct {
	// TeamID is the workspace (team id, like T0123ABCD) whose `/steward`
	// commands are answered: the app may be installed in others, and a
	// command from any of them is refused. Absent, every command is
	// refused with a message saying to set it; threads and announcements
	// do not need it.
	TeamID string `yaml:"team_id"`
	// TicketsChannel is the id of the (private) channel with a thread per
	// ticket, e.g. #support-freshdesk.
	TicketsChannel string `yaml:"tickets_channel,required"`
	// GeneralChannel is the id of the public channel for hub questions,
	// e.g. #hub-support; handoffs are announced there too.
	GeneralChannel string `yaml:"general_channel"`
	// StewardsUsergroup is the id of the user group that holds the stewards
	// on duty (S...); absent means steward leaves user groups alone.
	StewardsUsergroup string `yaml:"stewards_usergroup"`
	// Threads is which tickets get a thread: all (default) or tagged.
	Threads string `yaml:"threads"`
	// Tags are the FreshDesk tags that give a ticket a thread, with
	// threads: tagged.
	Tags []string `yaml:"tags"`
}

// Thread policies.
const (
	ThreadsAll    = "all"
	ThreadsTagged = "tagged"
)

// ThreadTags returns the tags a ticket needs for a thread: none (every
// ticket) unless threads is tagged.
func (s SlackIntegration) ThreadTags() []string {
	if s.Threads == ThreadsTagged {
		return s.Tags
	}
	return nil
}

var (
	slackChannelID = regexp.MustCompile(`^[CG][A-Z0-9]{8,}$`)
	slackGroupID   = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	slackUserID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	// slackTeamID is the shape of a workspace's id, as a slash command's
	// team_id carries it.
	slackTeamID = regexp.MustCompile(`^T[A-Z0-9]{2,}$`)
)

func (v *validator) slack() {
	s := v.r.Integrations.Slack
	// A wrong id matters once Slack is on (the stewards' group refuses it);
	// before that it is only a warning.
	report := v.warnf
	if s != nil {
		report = v.errorf
	}
	for i, e := range v.r.Engineers {
		p := fmt.Sprintf("engineers[%d].slack", i)
		if e.Slack != "" && !slackUserID.MatchString(e.Slack) {
			report(p, "%q is not a Slack user id (like U0123ABCD): in Slack, open the person's profile, ⋮, Copy member ID", e.Slack)
		}
	}
	if s == nil {
		return
	}
	p := "integrations.slack"
	if v.r.Integrations.GitHub == nil {
		v.errorf(p, "needs integrations.github: steward keeps Slack's record (which handoffs and events were announced) on the support dashboard issue there")
	}
	channel := func(key, val string) {
		switch {
		case val == "" && key == "tickets_channel":
			if v.has(p + "." + key) {
				v.errorf(p+"."+key, "must name the channel's id (like C0123ABCD)")
			}
		case val == "":
		case strings.HasPrefix(val, "#") || !slackChannelID.MatchString(val):
			v.errorf(p+"."+key, "%q is not a Slack channel id: write the id (like C0123ABCD), not the name; it is at the bottom of the channel's details", val)
		}
	}
	if v.has(p+".team_id") && !slackTeamID.MatchString(s.TeamID) {
		v.errorf(p+".team_id", "%q is not a Slack workspace id (like T0123ABCD: T, then capital letters and digits): open Slack in a browser, the id follows /client/ in the address", s.TeamID)
	}
	channel("tickets_channel", s.TicketsChannel)
	channel("general_channel", s.GeneralChannel)
	if s.StewardsUsergroup != "" && !slackGroupID.MatchString(s.StewardsUsergroup) {
		v.errorf(p+".stewards_usergroup", "%q is not a Slack user group id (like S0123ABCD): write the id, not the @handle", s.StewardsUsergroup)
	}
	switch s.Threads {
	case "", ThreadsAll:
		if len(s.Tags) > 0 {
			v.warnf(p+".tags", "tags are used only with threads: tagged; with threads: all every mirrored ticket gets a thread")
		}
	case ThreadsTagged:
		if len(s.Tags) == 0 {
			v.errorf(p+".threads", "tagged needs tags: list the FreshDesk tags that give a ticket a thread")
		}
	default:
		v.errorf(p+".threads", "%q is not all or tagged", s.Threads)
	}
	for i, t := range s.Tags {
		if strings.TrimSpace(t) == "" {
			v.errorf(fmt.Sprintf("%s.tags[%d]", p, i), "must not be empty")
		}
	}
}
