package server

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// metricHelp says what each of steward's own metric families counts: the
// HELP line a scraper shows beside it. VictoriaMetrics/metrics writes
// HELP lines without text, so writeHelp fills them in.
var metricHelp = map[string]string{
	"steward_deliveries_total":           "Webhook deliveries answered, by source (github, freshdesk, slack), event and the HTTP status steward answered with (202 queued, 200 ignored, 4xx refused, 503 busy).",
	"steward_deliveries_coalesced_total": "Deliveries that joined work already waiting for the same key instead of queueing again (answered 202).",
	"steward_body_budget_refused_total":  "Requests answered 503 because the bytes held by unauthenticated bodies in flight were at their cap for longer than the wait allowed.",
	"steward_queue_depth":                "Jobs waiting in the keyed queue for a worker, now.",
	"steward_work_seconds":               "Time one queued job's work took, from a worker taking it to its outcome (ok, error, panic, dropped), by source and event.",
}

// runtimeHelp describes a go_ or process_ family from its name, which
// follows Prometheus's conventions (unit last, _total for counters).
func runtimeHelp(name string) string {
	what, ok := strings.CutPrefix(name, "go_")
	source := "Go runtime (runtime/metrics)"
	if !ok {
		what = strings.TrimPrefix(name, "process_")
		source = "this process, from the operating system"
	}
	return "Of " + source + ": " + strings.ReplaceAll(what, "_", " ") + "."
}

// writeHelp copies Prometheus text from src to w, giving every HELP line
// that has no text the family's description.
func writeHelp(w io.Writer, src []byte) error {
	out := bufio.NewWriter(w)
	for line := range bytes.Lines(src) {
		name, ok := bytes.CutPrefix(bytes.TrimRight(line, "\n"), []byte("# HELP "))
		if !ok || bytes.IndexByte(name, ' ') >= 0 {
			out.Write(line)
			continue
		}
		help, known := metricHelp[string(name)]
		if !known {
			help = runtimeHelp(string(name))
		}
		out.WriteString("# HELP " + string(name) + " " + help + "\n")
	}
	return out.Flush()
}
