package run

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the run as a job summary: who is on duty, the next
// handoffs, what each part did, and the open lapses.
func (r Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "## steward, %s\n\n", r.Today)
	if r.DryRun {
		fmt.Fprint(w, "_A dry run: nothing was changed._\n\n")
	}
	fmt.Fprintf(w, "**Stewards on duty:** %s\n\n", r.Status.OnDutySentence())
	if h := r.Status.Next; h != nil {
		fmt.Fprintf(w, "**Next handoff:** %s: %s.\n\n", h.Date, h.Sentence())
	}
	switch {
	case r.Failed():
		fmt.Fprintf(w, "❌ **%d part(s) failed.** What to fix is beside each; the next run tries again.\n\n", r.failures())
	case !r.Configured():
		fmt.Fprint(w, "**steward wrote nothing:** `roster.yaml` configures no integrations yet, so every part was skipped. "+
			"Fill in `integrations` (the repository, the board, FreshDesk), run this workflow by hand with `dry-run`, read what it would do, then let it write.\n\n")
	}
	fmt.Fprint(w, "| Part | Result |\n|---|---|\n")
	for _, p := range r.Parts {
		res := p.Message
		switch {
		case p.Error != "":
			res = "❌ " + strings.TrimSpace(strings.TrimPrefix(res+" "+p.Error, " "))
			if p.Fix != "" {
				res += " **To fix:** " + p.Fix
			}
		case p.Skipped != "":
			res = "skipped: " + p.Skipped
		default:
			res = "✅ " + res
		}
		fmt.Fprintf(w, "| %s | %s |\n", p.Name, strings.ReplaceAll(strings.ReplaceAll(res, "|", `\|`), "\n", " "))
	}
	if r.Remind != nil && len(r.Remind.Overdue) > 0 {
		var ids []string
		for _, id := range r.Remind.Overdue {
			ids = append(ids, fmt.Sprintf("#%d", id))
		}
		fmt.Fprintf(w, "\n**Overdue tickets:** %s (see the support dashboard).\n", strings.Join(ids, ", "))
	}
}
