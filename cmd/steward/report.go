package main

import (
	"context"
	"errors"
	"fmt"
	"html"
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
	if !ok || err != nil || strings.HasPrefix(n, "+") || weeks < 1 || weeks > health.MaxWeeks {
		return 0, usagef("--since %q: give a number of weeks from 1 to %d, like 12w", s, health.MaxWeeks)
	}
	return weeks, nil
}

// reportHead is `report --format html`'s document around the section: it
// loads nothing (the same section the team page shows). Written with fmt,
// as html/template would cost the binary 5.5 MB (BENCHMARKS.md).
const reportHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Support health: %s</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem}svg{max-width:100%%;height:auto}table{border-collapse:collapse;display:block;overflow-x:auto}td,th{padding:.2rem .5rem;border-bottom:1px solid #ccc;text-align:right}th:first-child,td:first-child{text-align:left}</style>
</head><body>
`

func writeReportPage(e env, rep health.Report) error {
	section, err := rep.HTML()
	if err != nil {
		return err
	}
	if section == "" {
		return errors.New("the report has no weeks to draw")
	}
	_, err = fmt.Fprintf(e.stdout, reportHead+"%s\n</body></html>\n", html.EscapeString(rep.Team), section)
	return err
}
