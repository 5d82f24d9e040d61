package action_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type workflow struct {
	Concurrency struct {
		Group string `yaml:"group"`
	} `yaml:"concurrency"`
	Jobs map[string]struct {
		If          string `yaml:"if"`
		Concurrency struct {
			Group string `yaml:"group"`
		} `yaml:"concurrency"`
		TimeoutMinutes int `yaml:"timeout-minutes"`
		Steps          []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			If   string            `yaml:"if"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// A stuck run must not hold the steward concurrency group (and every later
// run) for the six hours GitHub allows a job (issue #12, defect 3).
func TestEveryShippedJobHasATimeout(t *testing.T) {
	files, _ := filepath.Glob("../.github/workflows/*.yml")
	if len(files) == 0 {
		t.Fatal("no workflows")
	}
	for _, f := range files {
		for name, job := range readWorkflow(t, filepath.Base(f)).Jobs {
			if job.TimeoutMinutes <= 0 || job.TimeoutMinutes > 60 {
				t.Errorf("%s: job %s has timeout-minutes %d", filepath.Base(f), name, job.TimeoutMinutes)
			}
		}
	}
}

// The shipped workflow writes nothing until the team says so, after a dry
// run: its dry-run input, evaluated as the runner would, is true unless
// the repository variable STEWARD_WRITE is "true", and a manual run may
// still ask for a dry run. On main it wrote from the first scheduled run.
func TestTheShippedWorkflowWritesOnlyWhenTold(t *testing.T) {
	w := readWorkflow(t, "steward.yml")
	var expr, note string
	for _, s := range w.Jobs["run"].Steps {
		if s.Uses == "./" {
			expr = s.With["dry-run"]
		}
		if strings.Contains(s.Name, "nothing was written") {
			note = s.If
		}
	}
	if expr == "" || note == "" {
		t.Fatalf("dry-run %q, note step if %q", expr, note)
	}
	for _, c := range []struct {
		write, event, input, ticket string
		dry                         bool
	}{
		{"", "schedule", "", "", true},
		{"false", "issues", "", "", true},
		{"true", "schedule", "", "", false},
		{"true", "workflow_dispatch", "true", "", true},
		{"true", "workflow_dispatch", "false", "", false},
		// A FreshDesk rule's dispatch names a ticket and leaves dry-run at
		// its default: it writes once the team said so, never before.
		{"true", "workflow_dispatch", "true", "42", false},
		{"", "workflow_dispatch", "true", "42", true},
	} {
		j := &job{t: t, inputs: map[string]string{"dry-run": c.input, "ticket": c.ticket, "issue": ""}, contexts: map[string]string{"vars.STEWARD_WRITE": c.write, "github.event_name": c.event}}
		if got := truthy(j.expand(expr)) && j.expand(expr) != "false"; got != c.dry {
			t.Errorf("STEWARD_WRITE=%q on %s (input %q): dry-run %q", c.write, c.event, c.input, j.expand(expr))
		}
		if got := truthy(j.eval(strings.TrimPrefix(note, "always() && "))); got != (c.write != "true") {
			t.Errorf("STEWARD_WRITE=%q: the summary note runs: %v", c.write, got)
		}
	}
}

// Issue #26: runs for different tickets or issues never cancel one
// another (GitHub keeps one running and the newest pending run per
// concurrency group); the full runs share one group of their own.
func TestEachThingHasItsOwnConcurrencyGroup(t *testing.T) {
	w := readWorkflow(t, "steward.yml")
	// On the job: a run whose job its if: skips must not take a pending
	// run's place in the group (found by review).
	if w.Concurrency.Group != "" {
		t.Errorf("the workflow has a concurrency group of its own: %q", w.Concurrency.Group)
	}
	group := w.Jobs["run"].Concurrency.Group
	for _, c := range []struct {
		event, ticket, issue, number, want string
	}{
		{"schedule", "", "", "", "steward-full-all"},
		{"workflow_dispatch", "", "", "", "steward-full-all"},
		{"workflow_dispatch", "42", "", "", "steward-ticket-42"},
		{"workflow_dispatch", "43", "", "", "steward-ticket-43"},
		{"workflow_dispatch", "", "7", "", "steward-issue-7"},
		{"issues", "", "", "7", "steward-issue-7"},
	} {
		j := &job{t: t, inputs: map[string]string{"ticket": c.ticket, "issue": c.issue},
			contexts: map[string]string{"github.event_name": c.event, "github.event.issue.number": c.number}}
		if got := j.expand(group); got != c.want {
			t.Errorf("%s (ticket %q, issue %q, #%s): group %q, want %q", c.event, c.ticket, c.issue, c.number, got, c.want)
		}
	}
}

// An event steward caused itself, as its App (a bot), starts no job: the
// run that made the change reconciled it, and a job costs a billed
// minute; but a label it put on an issue does, since that run routes the
// issue it created (review: skipping it left new issues unassigned). A
// person's change to an issue starts one, which writes once
// STEWARD_WRITE is true. Found by a fresh-eye review of the README.
func TestOnlyAPersonsChangeToAnIssueStartsAJob(t *testing.T) {
	w := readWorkflow(t, "steward.yml")
	run := w.Jobs["run"]
	var with map[string]string
	for _, s := range run.Steps {
		if s.Uses == "./" {
			with = s.With
		}
	}
	for _, c := range []struct {
		event, action, sender, write string
		runs, dry                    bool
	}{
		{"issues", "closed", "User", "true", true, false},
		{"issues", "closed", "User", "", true, true},
		{"issues", "closed", "Bot", "true", false, false},
		{"issues", "unassigned", "Bot", "true", false, false},
		{"issues", "labeled", "Bot", "true", true, false},
		{"workflow_dispatch", "", "Bot", "true", true, true},
		{"schedule", "", "", "true", true, false},
	} {
		j := &job{t: t, inputs: map[string]string{"ticket": "", "issue": "", "dry-run": "true"},
			contexts: map[string]string{"github.event_name": c.event, "github.event.action": c.action, "github.event.sender.type": c.sender, "vars.STEWARD_WRITE": c.write}}
		if got := truthy(j.eval(run.If)); got != c.runs {
			t.Errorf("%s %s by a %s: the job runs: %v, want %v", c.event, c.action, c.sender, got, c.runs)
		}
		if got := j.expand(with["dry-run"]) == "true"; c.runs && got != c.dry {
			t.Errorf("%s with STEWARD_WRITE=%q: dry-run %q", c.event, c.write, j.expand(with["dry-run"]))
		}
	}
}

// What a run kept is saved whatever the run's outcome, under a key of its
// own (a re-run's too), and the next run restores the newest: a run that
// created an issue and then failed (its link note refused) must not leave
// the next dispatch a list without that issue. actions/cache's own post
// step saves on success only.
func TestTheWorkflowSavesWhatARunKeptEvenWhenItFails(t *testing.T) {
	w := readWorkflow(t, "steward.yml")
	var restore, save, steward = -1, -1, -1
	steps := w.Jobs["run"].Steps
	for i, s := range steps {
		switch s.Uses {
		case "actions/cache@v4":
			t.Errorf("step %d uses actions/cache, whose save is skipped when the job fails", i)
		case "actions/cache/restore@v4":
			restore = i
		case "actions/cache/save@v4":
			save = i
		case "./":
			steward = i
		}
	}
	if restore < 0 || save < 0 || !(restore < steward && steward < save) {
		t.Fatalf("steps: restore %d, steward %d, save %d", restore, steward, save)
	}
	r, s := steps[restore].With, steps[save].With
	if !strings.HasPrefix(steps[save].If, "always()") {
		t.Errorf("the save runs if %q, want always()", steps[save].If)
	}
	if r["key"] != s["key"] || !strings.Contains(s["key"], "github.run_id") || !strings.Contains(s["key"], "github.run_attempt") ||
		!strings.HasPrefix(s["key"], r["restore-keys"]) || r["path"] != s["path"] {
		t.Errorf("restore %v, save %v: want one path, a key per run attempt, restored by its prefix", r, s)
	}
}
