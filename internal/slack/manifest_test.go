package slack

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/support-steward/steward/internal/sandbox"
)

// The app manifest beside app.yml grants every scope the methods steward
// calls need (as the Slack emulator knows them), and the slash command.
func TestTheAppManifestGrantsWhatStewardUses(t *testing.T) {
	data, err := os.ReadFile("../../slack-app.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct{ Command, URL string } `yaml:"slash_commands"`
		}
		OAuthConfig struct {
			Scopes struct{ Bot []string }
		} `yaml:"oauth_config"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	scopes := m.OAuthConfig.Scopes.Bot
	for method, scope := range sandbox.SlackMethodScopes() {
		if scope != "" && !slices.Contains(scopes, scope) {
			t.Errorf("%s needs %s, which slack-app.yml does not ask for", method, scope)
		}
	}
	if !slices.Contains(scopes, "commands") {
		t.Error("the slash command needs the commands scope")
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/steward" ||
		!slices.Contains([]string{"https://steward.example.org/webhooks/slack"}, m.Features.SlashCommands[0].URL) {
		t.Errorf("slash commands %+v", m.Features.SlashCommands)
	}
}
