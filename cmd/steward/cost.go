package main

import (
	"context"
	"encoding/json"

	"github.com/support-steward/steward/internal/cost"
)

func cmdCost(_ context.Context, e env, args []string) int {
	fs := flags(e, "cost", "[--tickets N] [--engineering N] [--dispatches N] [--issue-events N] [--format text|json]")
	tickets := fs.Int("tickets", 100, "tickets a week")
	engineering := fs.Int("engineering", 30, "of them, tickets a week that need engineering (the automation rule fires only for these)")
	dispatches := fs.Float64("dispatches", 3, "times the rule fires for one such ticket over its life")
	events := fs.Float64("issue-events", 3, "changes to such a ticket's support issue that start a run of their own over its life: the labels steward puts on it when it creates it (the run that routes it; about 2), and people's (closing it, unassigning themselves)")
	format := fs.String("format", "text", "text or json")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return fail(e, "cost", err)
	}
	f, err := cost.Month(cost.Team{TicketsPerWeek: *tickets, Engineering: *engineering, DispatchesPerTicket: *dispatches, IssueEventsPerTicket: *events})
	if err != nil {
		return fail(e, "cost", usagef("%v", err))
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(f)
	} else {
		err = f.WriteText(e.stdout)
	}
	if err != nil {
		return fail(e, "cost", err)
	}
	return exitOK
}
