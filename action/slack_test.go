package action_test

import "testing"

// The Slack bot token is a secret like the others: masked before anything
// is written, and never in what the Action writes.
func TestTheSlackBotTokenIsMasked(t *testing.T) {
	r := newRunner(t, map[string]string{"command": "run", "github-token": "ghp_ActionSecretToken123",
		"freshdesk-api-key": "fdkey-ActionSecret456", "slack-bot-token": "xoxb-ActionSlackSecret789"})
	if code := r.run(); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stdout.String())
	}
	r.noSecrets()
}
