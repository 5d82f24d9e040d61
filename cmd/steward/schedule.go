package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/calendar"
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/usecase"
	"github.com/support-steward/steward/internal/wire"
)

const defaultRoster = "roster.yaml"

// rosterFlag is the --roster flag, defaulting to $STEWARD_ROSTER_FILE or roster.yaml.
func rosterFlag(fs interface {
	String(string, string, string) *string
}, e env) *string {
	def := e.getenv("STEWARD_ROSTER_FILE")
	if def == "" {
		def = defaultRoster
	}
	return fs.String("roster", def, "path of the roster file")
}

// loadRoster loads the roster, printing warnings; on errors it prints them
// and returns nil.
func loadRoster(e env, path string) *roster.Roster {
	r, probs, err := roster.Load(path)
	for _, p := range probs.Warnings() {
		fmt.Fprintln(e.stderr, p)
	}
	if err != nil {
		if ps, ok := err.(roster.Problems); ok {
			for _, p := range ps {
				fmt.Fprintln(e.stderr, p)
			}
			fmt.Fprintf(e.stderr, "%s: %d error(s); fix them or run 'steward validate'\n", path, len(ps))
		} else if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(e.stderr, "steward: %v\nNo roster yet? 'steward init' writes one for your team; --roster names another file.\n", err)
		} else {
			fmt.Fprintf(e.stderr, "steward: %v\n", err)
		}
		return nil
	}
	return r
}

type dateFlag struct{ d civil.Date }

func (f *dateFlag) String() string     { return f.d.String() }
func (f *dateFlag) Set(s string) error { return f.d.UnmarshalText([]byte(s)) }

func oneOf(name, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return usagef("--%s %q: use one of %s", name, value, strings.Join(allowed, ", "))
}

func cmdSchedule(ctx context.Context, e env, args []string) int {
	fs := flags(e, "schedule", "[--roster FILE] [--from DATE] [--until DATE] [--engineer HANDLE] [--format table|json|ics|markdown|html] [--calendar-url URL]")
	path := rosterFlag(fs, e)
	var from, until dateFlag
	fs.Var(&from, "from", "first day, YYYY-MM-DD (default: four weeks before today in the team's time zone)")
	fs.Var(&until, "until", "day after the last, YYYY-MM-DD (default: 26 weeks after today)")
	engineer := fs.String("engineer", "", "only this engineer's shifts (GitHub handle)")
	format := fs.String("format", "table", "table, json, ics, markdown, or html for the team-roles page (default range: 12 weeks from this Monday)")
	calURL := fs.String("calendar-url", "", "html: where 'steward serve' answers, to link each engineer's calendar (e.g. https://steward.example.org/)")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "table", "json", "ics", "markdown", "html"); err != nil {
		return fail(e, "schedule", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	today := r.Today(e.now())
	defFrom, defUntil := rotation.DefaultRange(today)
	if *format == "html" {
		defFrom, defUntil = pageRange(today, from.d)
	}
	if from.d.IsZero() {
		from.d = defFrom
	}
	if until.d.IsZero() {
		until.d = defUntil
		if !until.d.After(from.d) {
			// --from alone, past the default range: show as much after it.
			until.d = from.d.AddDays(defUntil.Sub(defFrom))
		}
	}
	if !until.d.After(from.d) {
		return fail(e, "schedule", usagef("--until %s must be after --from %s", until.d, from.d))
	}
	if *engineer != "" {
		if _, ok := r.Engineer(*engineer); !ok {
			return fail(e, "schedule", usagef("--engineer %q is not on the roster", *engineer))
		}
	}
	if err := rotation.CheckRange(from.d, until.d); err != nil {
		return fail(e, "schedule", usagef("--from %s --until %s: %v", from.d, until.d, err))
	}
	s, err := rotation.ComputeContext(ctx, r, from.d, until.d)
	if err != nil {
		return fail(e, "schedule", err)
	}
	if *engineer != "" {
		s = s.For(*engineer)
	}
	switch *format {
	case "json":
		err = s.WriteJSON(e.stdout)
	case "ics":
		err = calendar.Write(e.stdout, s, calendar.Options{Name: "Support Stewards: " + r.Team, Stamp: e.now().UTC().Truncate(time.Second)})
	case "markdown":
		err = s.WriteMarkdown(e.stdout, today)
	case "html":
		err = writePage(e, r, today, from.d, until.d, *engineer, *calURL)
	default:
		fmt.Fprintf(e.stdout, "Support Stewards, %s (%s), %s to %s\n\n", r.Team, r.Timezone.Name, from.d, until.d)
		err = s.WriteTable(e.stdout, today)
	}
	if err != nil {
		return fail(e, "schedule", err)
	}
	return exitOK
}

func cmdWho(ctx context.Context, e env, args []string) int {
	fs := flags(e, "who", "[--roster FILE] [--on DATE] [--format text|json]")
	path := rosterFlag(fs, e)
	var on dateFlag
	fs.Var(&on, "on", "the day to ask about, YYYY-MM-DD (default: today in the team's time zone)")
	format := fs.String("format", "text", "text or json")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return fail(e, "who", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	if on.d.IsZero() {
		on.d = r.Today(e.now())
	}
	st, err := rotation.WhoContext(ctx, r, on.d)
	if err != nil {
		return fail(e, "who", err)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return fail(e, "who", err)
		}
		return exitOK
	}
	writeWho(e.stdout, st)
	return exitOK
}

func writeWho(w io.Writer, st rotation.Status) {
	if !st.Starts.IsZero() {
		fmt.Fprintf(w, "No Support Stewards yet on %s: the rotation starts on %s.\n", st.Date, st.Starts)
	} else {
		fmt.Fprintf(w, "Support Stewards on %s:\n", st.Date)
	}
	for _, s := range st.OnDuty {
		if s.Covering != "" {
			fmt.Fprintf(w, "  %s (@%s), covering @%s through %s\n", s.Name, s.GitHub, s.Covering, s.End.AddDays(-1))
			continue
		}
		mark := "projected"
		if s.Confirmed {
			mark = "confirmed"
		}
		fmt.Fprintf(w, "  %s (@%s), %s to %s, %s\n", s.Name, s.GitHub, s.Start, s.End, mark)
	}
	for _, g := range st.Unfilled {
		fmt.Fprintf(w, "  (unfilled seat until %s: nobody is available)\n", g.End)
	}
	for _, a := range st.Away {
		fmt.Fprintf(w, "  ! %s\n", st.AwaySentence(a))
	}
	if st.Next == nil {
		fmt.Fprintln(w, "No handoff is scheduled.")
		return
	}
	if !st.Starts.IsZero() {
		fmt.Fprintf(w, "First stewards on %s: %s.\n", st.Next.Date, st.Next.Sentence())
		return
	}
	fmt.Fprintf(w, "Next handoff on %s: %s.\n", st.Next.Date, st.Next.Sentence())
}

func cmdValidate(ctx context.Context, e env, args []string) int {
	fs := flags(e, "validate", "[--roster FILE] [--format text|github]")
	path := rosterFlag(fs, e)
	format := fs.String("format", "text", "text, or github for workflow-command annotations")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "github"); err != nil {
		return fail(e, "validate", err)
	}
	data, err := roster.ReadFile(*path)
	if err != nil {
		return fail(e, "validate", err)
	}
	r, probs := roster.Parse(*path, data)
	if r != nil {
		// The findings that need the schedule: handoffs on holidays, covers
		// that do nothing or double someone up.
		probs = rotation.Problems(r, append(probs, boardProblems(ctx, e, r, *path)...), r.Today(e.now()))
	}
	for _, p := range probs {
		if *format == "github" {
			fmt.Fprintln(e.stdout, annotation(p))
		} else {
			fmt.Fprintln(e.stdout, p)
		}
	}
	errs := len(probs.Errors())
	if *format == "text" {
		if errs == 0 {
			fmt.Fprintf(e.stdout, "%s is valid (%d warning(s)).\n", *path, len(probs.Warnings()))
		} else {
			fmt.Fprintf(e.stdout, "%s: %d error(s), %d warning(s).\n", *path, errs, len(probs.Warnings()))
		}
	}
	if errs > 0 {
		return exitFindings
	}
	return exitOK
}

// annotation formats a problem as a GitHub workflow command,
// ::error file=F,line=L,col=C::message, escaped as the Actions toolkit
// escapes command data and properties.
func annotation(p roster.Problem) string {
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	msg := p.Message
	if p.Path != "" {
		msg = p.Path + ": " + msg
	}
	return fmt.Sprintf("::%s file=%s,line=%d,col=%d::%s", p.Severity, prop.Replace(p.File), p.Line, p.Col, data.Replace(msg))
}

// boardProblems checks integrations.github.project against the board
// itself when GitHub can be reached (credentials in the environment): a
// field or option the board lacks is an error at its setting's line, as
// every run would meet it. Without credentials nothing is checked; a board
// that cannot be read is a warning, since the roster may well be right.
func boardProblems(ctx context.Context, e env, r *roster.Roster, path string) roster.Problems {
	ig := r.Integrations.GitHub
	if ig == nil || ig.Project == nil {
		return nil
	}
	c := wire.Connect(wireEnv(e), r)
	if c.GH == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return usecase.BoardProblems(c.CheckBoard(ctx), r, path)
}
