package main

import (
	"context"

	"github.com/support-steward/steward/action"
)

// cmdAction runs steward as a GitHub Action: inputs from INPUT_*, results
// to GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
func cmdAction(ctx context.Context, e env, args []string) int {
	fs := flags(e, "action", "(configured by the Action's inputs: INPUT_COMMAND, INPUT_ROSTER, ...)")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	return action.Run(ctx, e.getenv, e.stdout, e.now)
}
