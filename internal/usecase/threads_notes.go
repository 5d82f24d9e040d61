package usecase

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/support-steward/steward/internal/port"
)

// A ticket's notes record its Slack thread in lines a person can read and
// steward can parse, one fact a line:
//
//	Slack thread: https://acme.slack.com/archives/C0123/p1700000000123456
//	steward:slack-thread C0123 1700000000.123456
//	steward:slack-told C0123 1700000000.123456 resolved:1700000000
//	steward:slack-dropped C0123 1700000000.654321
//
// The marker lines carry the channel and ts, so nothing depends on the
// shape of Slack's permalinks.

var marker = regexp.MustCompile(`(?m)^steward:slack-(thread|told|dropped) ([A-Z0-9]+) (\d+\.\d+)(?: (\S+))?\s*$`)

// records is what a ticket's notes say of its Slack threads.
type records struct {
	// threads in the order they were recorded, each once.
	threads []port.MessageRef
	told    map[port.MessageRef]map[string]bool
	dropped map[port.MessageRef]bool
}

func parseRecords(notes []port.Note) records {
	r := records{told: map[port.MessageRef]map[string]bool{}, dropped: map[port.MessageRef]bool{}}
	seen := map[port.MessageRef]bool{}
	for _, n := range notes {
		// FreshDesk notes are HTML; a line break may come back as <br>.
		text := strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "<div>", "\n", "</div>", "\n", "<p>", "\n", "</p>", "\n").Replace(n.Text)
		for _, m := range marker.FindAllStringSubmatch(text, -1) {
			ref := port.MessageRef{Channel: m[2], TS: m[3]}
			switch m[1] {
			case "thread":
				if !seen[ref] {
					seen[ref] = true
					r.threads = append(r.threads, ref)
				}
			case "told":
				if m[4] != "" {
					if r.told[ref] == nil {
						r.told[ref] = map[string]bool{}
					}
					r.told[ref][m[4]] = true
				}
			case "dropped":
				r.dropped[ref] = true
			}
		}
	}
	return r
}

// canonical is the ticket's thread: the first one recorded that was not
// dropped. Notes are read in the order they were added, so every run that
// reads them agrees, and a thread that is first stays first.
func (r records) canonical() (port.MessageRef, bool) {
	for _, ref := range r.threads {
		if !r.dropped[ref] {
			return ref, true
		}
	}
	return port.MessageRef{}, false
}

func threadNote(ref port.MessageRef, permalink string) string {
	if permalink == "" {
		permalink = "(no link: Slack did not give one)"
	}
	return fmt.Sprintf("Slack thread: %s\nsteward:slack-thread %s %s", permalink, ref.Channel, ref.TS)
}

func toldNote(ref port.MessageRef, keys []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Told the Slack thread: %s", strings.Join(keys, ", "))
	for _, k := range keys {
		fmt.Fprintf(&b, "\nsteward:slack-told %s %s %s", ref.Channel, ref.TS, k)
	}
	return b.String()
}

func droppedNote(ref port.MessageRef) string {
	return fmt.Sprintf("Removed a second Slack thread opened by a concurrent run.\nsteward:slack-dropped %s %s", ref.Channel, ref.TS)
}
