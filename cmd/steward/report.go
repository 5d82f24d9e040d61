package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/wire"
)

func cmdReport(ctx context.Context, e env, args []string) int {
	fs := flags(e, "report", "[--roster FILE] [--since 12w] [--format text|json|markdown|html]")
	path := rosterFlag(fs, e)
	since := fs.String("since", "12w", "how many weeks, ending with this one (1w to 104w)")
	format := fs.String("format", "text", "text, json (the documented contract), markdown, or html")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json", "markdown", "html"); err != nil {
		return fail(e, "report", err)
	}
	weeks, err := reportWeeks(*since)
	if err != nil {
		return fail(e, "report", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	c := wire.Connect(wireEnv(e), r)
	h := c.Health()
	if h == nil {
		return fail(e, "report", fmt.Errorf("the report reads FreshDesk: %w", c.FDErr))
	}
	rep, cost, err := h.Report(ctx, weeks, nil)
	if err != nil {
		return fail(e, "report", err)
	}
	if cost.Unread > 0 {
		fmt.Fprintf(e.stderr, "steward report: %d ticket(s)' replies are not read yet (this report's FreshDesk budget, %d credits, is spent): their days count as unknown; the next report reads them\n",
			cost.Unread, health.ReportCredits)
	}
	switch *format {
	case "json":
		err = rep.WriteJSON(e.stdout)
	case "markdown":
		err = rep.WriteMarkdown(e.stdout)
	case "html":
		err = writeReportPage(e, rep)
	default:
		err = rep.WriteText(e.stdout)
	}
	if err != nil {
		return fail(e, "report", err)
	}
	return exitOK
}

// reportWeeks reads --since: Nw weeks (1 to 104), ending with this one.
func reportWeeks(s string) (int, error) {
	n, ok := strings.CutSuffix(s, "w")
	weeks, err := strconv.Atoi(n)
	if !ok || err != nil || weeks < 1 || weeks > health.MaxWeeks {
		return 0, usagef("--since %q: give a number of weeks from 1 to %d, like 12w", s, health.MaxWeeks)
	}
	return weeks, nil
}

// reportPage is `report --format html`: the charts and tables alone, in a
// document that loads nothing (the same section the team page shows).
var reportPage = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Support health: {{.Team}}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem}table{border-collapse:collapse}td,th{padding:.2rem .5rem;border-bottom:1px solid #ccc;text-align:right}th:first-child,td:first-child{text-align:left}</style>
</head><body>
{{.Section}}
</body></html>
`))

func writeReportPage(e env, rep health.Report) error {
	section, err := rep.HTML()
	if err != nil {
		return err
	}
	if section == "" {
		return errors.New("the report has no weeks to draw")
	}
	return reportPage.Execute(e.stdout, struct {
		Team    string
		Section template.HTML
	}{rep.Team, section})
}
