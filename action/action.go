// Package action is steward as a GitHub Action: it reads the Action's
// inputs, masks every secret before anything else is written, runs a
// steward command with the same code as the command line, and reports
// through the Action's outputs, job summary and annotations. Everything it
// touches is injected, so tests run it exactly as a runner would.
package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/run"
	"github.com/support-steward/steward/internal/wire"
)

// Commands the Action runs.
var Commands = []string{"run", "sync", "rotate", "remind", "schedule", "validate"}

// inputsToEnv maps the Action's inputs to the environment variables the
// command line reads; secret ones are masked.
var inputsToEnv = []struct {
	input, env string
	secret     bool
}{
	{"github-token", "GITHUB_TOKEN", true},
	{"app-id", "GITHUB_APP_ID", false},
	{"app-private-key", "GITHUB_APP_PRIVATE_KEY", true},
	{"freshdesk-api-key", "FRESHDESK_API_KEY", true},
	{"freshdesk-domain", "STEWARD_FRESHDESK_DOMAIN", false},
	{"slack-bot-token", "SLACK_BOT_TOKEN", true},
}

// Run runs the Action and returns its exit status.
func Run(ctx context.Context, getenv func(string) string, out io.Writer, now func() time.Time) int {
	return runOn(ctx, getenv, out, now, nil)
}

// runOn is Run with the clock the clients wait on (nil: the wall clock).
func runOn(ctx context.Context, getenv func(string) string, out io.Writer, now func() time.Time, clk clock.Clock) int {
	a := &act{Action: githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(out)), getenv: getenv, out: out}
	code := runAction(ctx, a, getenv, now, clk)
	if a.fileErr != nil {
		// Outputs or the summary were lost: the run cannot be called a success.
		a.Errorf("%v", a.fileErr)
		return 1
	}
	return code
}

// act is the Action's toolkit with its two file commands made safe: run
// outside a runner (GITHUB_OUTPUT or GITHUB_STEP_SUMMARY unset) outputs are
// dropped and the summary goes to standard output; a file that cannot be
// written is an error of the run, not a panic.
type act struct {
	*githubactions.Action
	getenv  func(string) string
	out     io.Writer
	fileErr error
}

// SetOutput sets an output when the runner asked for them.
func (a *act) SetOutput(k, v string) {
	if a.getenv("GITHUB_OUTPUT") == "" {
		return
	}
	a.guard("GITHUB_OUTPUT", func() { a.Action.SetOutput(k, v) })
}

// AddStepSummary appends to the job summary, or prints it without one.
func (a *act) AddStepSummary(md string) {
	if a.getenv("GITHUB_STEP_SUMMARY") == "" {
		fmt.Fprint(a.out, md)
		return
	}
	a.guard("GITHUB_STEP_SUMMARY", func() { a.Action.AddStepSummary(md) })
}

func (a *act) guard(file string, f func()) {
	defer func() {
		if e := recover(); e != nil && a.fileErr == nil {
			a.fileErr = fmt.Errorf("%s (%s): %v", file, a.getenv(file), e)
		}
	}()
	f()
}

func runAction(ctx context.Context, a *act, getenv func(string) string, now func() time.Time, clk clock.Clock) int {
	overlay := map[string]string{}
	for _, m := range inputsToEnv {
		v := a.GetInput(m.input)
		if v == "" {
			continue
		}
		if m.secret {
			mask(a, v)
		}
		overlay[m.env] = v
	}
	env := func(k string) string {
		if v, ok := overlay[k]; ok {
			return v
		}
		return getenv(k)
	}

	command := a.GetInput("command")
	if command == "" {
		command = "run"
	}
	if !contains(Commands, command) {
		a.Errorf("input command: %q is not one of %s", command, strings.Join(Commands, ", "))
		return 2
	}
	dry, err := parseBool(a.GetInput("dry-run"))
	if err != nil {
		a.Errorf("input dry-run: %v", err)
		return 2
	}
	ticket, issue, err := keyInputs(a.GetInput("ticket"), a.GetInput("issue"))
	if err != nil {
		a.Errorf("%v", err)
		return 2
	}
	if (ticket != 0 || issue != 0) && command != "run" {
		a.Errorf("inputs ticket and issue go with command run, not %s", command)
		return 2
	}
	path := a.GetInput("roster")
	if path == "" {
		path = "roster.yaml"
	}
	file := path
	if ws := getenv("GITHUB_WORKSPACE"); ws != "" && !filepath.IsAbs(path) {
		file = filepath.Join(ws, path)
	}

	r, probs, err := roster.Load(file)
	if r != nil {
		// The schedule's warnings too (handoffs on holidays, covers that
		// do nothing), as validate and the roster check report them.
		probs = rotation.Problems(r, probs, r.Today(now()))
	}
	for _, p := range probs {
		annotate(a, path, p)
	}
	if command == "validate" {
		return validate(a, path, probs, err)
	}
	if r == nil {
		if _, isProblems := err.(roster.Problems); !isProblems {
			a.Errorf("%s", unreadable(path, err))
			a.AddStepSummary(fmt.Sprintf("## steward\n\n❌ %s\n", unreadable(path, err)))
			return 1
		}
		a.AddStepSummary(fmt.Sprintf("## steward\n\n❌ `%s` has %d error(s); see the annotations.\n", path, len(probs.Errors())))
		return 1
	}
	today := r.Today(now())
	st := rotation.Who(r, today)
	setStatusOutputs(a, st)
	if command == "schedule" {
		var b strings.Builder
		fmt.Fprintf(&b, "## Support Stewards, %s\n\n", r.Team)
		from, until := rotation.DefaultRange(today)
		rotation.Compute(r, from, until).WriteMarkdown(&b, today)
		a.AddStepSummary(b.String())
		return 0
	}

	log := slog.New(slog.NewTextHandler(&githubLogWriter{a: a}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c := wire.Connect(wire.Env{Getenv: env, Now: now, Log: log, Clock: clk}, r)
	opts := run.Options{DryRun: dry, Ticket: ticket, Issue: issue}
	if command == "run" && ticket == 0 && issue == 0 {
		if err := run.EventFromEnv(getenv, &opts); err != nil {
			a.Errorf("%v", err)
			return 1
		}
	} else if command != "run" {
		opts.Only = []string{command}
	}
	rep := run.Run(ctx, c, opts)
	if rep.Rotation != nil {
		a.SetOutput("pull-request", rep.Rotation.URL)
	}
	created := 0
	if rep.Sync != nil {
		created = rep.Sync.Created()
	}
	a.SetOutput("issues-created", strconv.Itoa(created))
	a.SetOutput("issues-updated", strconv.Itoa(rep.IssuesUpdated()))
	var b strings.Builder
	rep.WriteMarkdown(&b)
	a.AddStepSummary(b.String())
	for _, p := range rep.Parts {
		switch {
		case p.Error != "" && p.Fix != "":
			a.Errorf("%s: %s. To fix: %s", p.Name, p.Error, p.Fix)
		case p.Error != "":
			a.Errorf("%s: %s", p.Name, p.Error)
		case p.Skipped != "":
			a.Noticef("%s skipped: %s", p.Name, p.Skipped)
		}
	}
	if rep.Failed() {
		return 1
	}
	return 0
}

// mask hides a secret in the logs, line by line: the runner masks a
// multi-line value only one line at a time.
func mask(a *act, v string) {
	a.AddMask(v)
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); len(line) > 3 {
			a.AddMask(line)
		}
	}
}

func setStatusOutputs(a *act, st rotation.Status) {
	var handles []string
	for _, s := range st.OnDuty {
		handles = append(handles, s.GitHub)
	}
	a.SetOutput("stewards", strings.Join(handles, ","))
	if st.Next != nil {
		a.SetOutput("next-handoff", st.Next.Date.String())
	} else {
		a.SetOutput("next-handoff", "")
	}
}

// annotate puts a roster problem on its line of the file.
func annotate(a *act, path string, p roster.Problem) {
	f := a.WithFieldsMap(map[string]string{"file": path, "line": strconv.Itoa(p.Line), "col": strconv.Itoa(p.Col), "title": "roster.yaml"})
	msg := p.Message
	if p.Path != "" {
		msg = p.Path + ": " + msg
	}
	if p.Severity == roster.Warning {
		f.Warningf("%s", msg)
	} else {
		f.Errorf("%s", msg)
	}
}

func validate(a *act, path string, probs roster.Problems, err error) int {
	var b strings.Builder
	if err != nil && len(probs) == 0 {
		a.Errorf("%s", unreadable(path, err))
		fmt.Fprintf(&b, "## steward validate\n\n❌ %s\n", unreadable(path, err))
		a.AddStepSummary(b.String())
		return 1
	}
	errs := len(probs.Errors())
	if errs == 0 {
		fmt.Fprintf(&b, "## steward validate\n\n✅ `%s` is valid (%d warning(s)).\n", path, len(probs.Warnings()))
	} else {
		fmt.Fprintf(&b, "## steward validate\n\n❌ `%s`: %d error(s), %d warning(s).\n\n", path, errs, len(probs.Warnings()))
		for _, p := range probs {
			fmt.Fprintf(&b, "- line %d: `%s` %s\n", p.Line, p.Path, p.Message)
		}
	}
	a.AddStepSummary(b.String())
	if errs > 0 {
		return 1
	}
	return 0
}

// unreadable says that the roster could not be read, and what to do.
func unreadable(path string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("There is no roster at `%s` in the workspace. Write one with `steward init` and commit it, "+
			"check out the repository before this step (actions/checkout), or set the `roster` input to its path.", path)
	}
	return fmt.Sprintf("Could not read the roster `%s`: %v", path, err)
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "no", "0":
		return false, nil
	case "true", "yes", "1":
		return true, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// githubLogWriter turns warnings into the Action's warning annotations.
type githubLogWriter struct{ a *act }

func (w *githubLogWriter) Write(p []byte) (int, error) {
	w.a.Warningf("%s", strings.TrimSpace(string(p)))
	return len(p), nil
}

// keyInputs reads the ticket and issue inputs (a workflow_dispatch naming
// what changed): positive numbers, at most one of them; empty is none.
func keyInputs(ticket, issue string) (int64, int, error) {
	var t int64
	var n int
	var err error
	if ticket = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ticket), "#")); ticket != "" {
		if t, err = strconv.ParseInt(ticket, 10, 64); err != nil || t <= 0 {
			return 0, 0, fmt.Errorf("input ticket: %q is not a FreshDesk ticket id (a positive number)", ticket)
		}
	}
	if issue = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(issue), "#")); issue != "" {
		if n, err = strconv.Atoi(issue); err != nil || n <= 0 {
			return 0, 0, fmt.Errorf("input issue: %q is not an issue number (a positive number)", issue)
		}
	}
	if t != 0 && n != 0 {
		return 0, 0, fmt.Errorf("inputs ticket and issue: name one thing to reconcile, not both (ticket %d, issue %d)", t, n)
	}
	return t, n, nil
}
