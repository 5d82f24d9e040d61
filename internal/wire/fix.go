package wire

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/freshdesk"
)

// Fix says what a person should do about a part that could not run, in one
// sentence, or "" when the error itself already says it. It names both the
// Action's inputs and the command line's variables, because the same
// report serves both.
func Fix(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	var gerr *github.ErrorResponse
	var ferr *freshdesk.Error
	var uerr *url.Error
	var nerr net.Error
	var oerr *net.OpError
	var derr *net.DNSError
	switch {
	case strings.Contains(msg, "no GitHub credentials"):
		return "give steward GitHub credentials: in the Action the inputs app-id and app-private-key (or github-token); on the command line GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY, or GITHUB_TOKEN."
	case strings.Contains(msg, "SLACK_BOT_TOKEN is not set"):
		return "give steward the Slack app's bot token (xoxb-...): the Action's slack-bot-token input, or SLACK_BOT_TOKEN on the command line; or remove integrations.slack from roster.yaml."
	case strings.Contains(msg, "FRESHDESK_API_KEY is not set"):
		return "give steward a FreshDesk agent's API key: the Action's freshdesk-api-key input, or FRESHDESK_API_KEY on the command line; or remove integrations.freshdesk from roster.yaml."
	case strings.Contains(msg, "SLACK_BOT_TOKEN is not set"):
		return "give steward the Slack app's bot token (xoxb-...): the Action's slack-bot-token input, or SLACK_BOT_TOKEN on the command line; or remove integrations.slack from roster.yaml."
	case errors.As(err, &oerr) || errors.As(err, &derr) || errors.As(err, &nerr) && nerr.Timeout():
		// A network failure underneath, even inside the App's
		// installation lookup: the installation may be fine.
		return reach
	case strings.Contains(msg, "finding the App's installation"):
		return "install the GitHub App on the repository named in integrations.github.repo, or set GITHUB_APP_INSTALLATION_ID."
	case errors.As(err, &uerr):
		return reach
	case errors.As(err, &gerr) && gerr.Response != nil:
		return statusFix("GitHub", gerr.Response.StatusCode)
	case errors.As(err, &ferr):
		return statusFix("FreshDesk", ferr.Status)
	}
	return ""
}

const reach = "steward could not reach the service: check the network, GITHUB_API_URL or FRESHDESK_BASE_URL, and integrations.freshdesk.domain; the next run tries again."

func statusFix(service string, status int) string {
	switch status {
	case http.StatusUnauthorized:
		return service + " refused the credentials (401): check that the token, private key or API key is current and belongs to this " + map[string]string{"GitHub": "App or account", "FreshDesk": "FreshDesk account"}[service] + "."
	case http.StatusForbidden:
		return service + " denied access (403): give the App or token the permissions app.yml lists, or wait if it is a rate limit; the next run tries again."
	case http.StatusNotFound:
		return service + " answered 404: check the repository, board or domain named in roster.yaml's integrations, and that the App is installed there."
	}
	return ""
}
