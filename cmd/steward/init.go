package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/roster/template"
	"github.com/support-steward/steward/internal/wire"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, "; ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func cmdInit(ctx context.Context, e env, args []string) int {
	fs := flags(e, "init", "[--team NAME] [--timezone ZONE] [--engineer \"Full Name, handle\"]... [--engineers-file FILE] [--github-team ORG/SLUG] [--start DATE] [--roster FILE] [--force]")
	path := rosterFlag(fs, e)
	team := fs.String("team", "", "the team's name")
	tz := fs.String("timezone", "", "the team's IANA time zone, e.g. Europe/Berlin (default UTC)")
	var engineers listFlag
	fs.Var(&engineers, "engineer", "an engineer, \"Full Name, github-handle\" or a handle alone (repeat the flag)")
	file := fs.String("engineers-file", "", "a file of engineers, one a line: \"Full Name, github-handle\"")
	ghTeam := fs.String("github-team", "", "take the engineers from this GitHub team, ORG/SLUG (needs GITHUB_TOKEN or the App's credentials)")
	var start dateFlag
	fs.Var(&start, "start", "the first handoff, YYYY-MM-DD (default: the next Monday in the team's time zone)")
	force := fs.Bool("force", false, "overwrite an existing roster")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	example := *team == "" && *tz == "" && len(engineers) == 0 && *file == "" && *ghTeam == "" && start.d.IsZero()

	t := template.Team{Name: *team, Timezone: *tz}
	if t.Timezone == "" {
		t.Timezone = "UTC"
	}
	loc, err := roster.LoadZone(t.Timezone)
	if err != nil {
		return fail(e, "init", usagef("--timezone: %v", err))
	}
	t.Start = start.d
	if t.Start.IsZero() {
		t.Start = template.NextMonday(civil.Of(e.now().In(loc)))
	}
	if example {
		ex := template.Example(t.Start)
		t = ex
	} else {
		for _, s := range engineers {
			en, err := template.ParseEngineer(s)
			if err != nil {
				return fail(e, "init", usagef("--engineer %v", err))
			}
			t.Engineers = append(t.Engineers, en)
		}
		if *file != "" {
			data, err := os.ReadFile(*file)
			if err != nil {
				return fail(e, "init", err)
			}
			es, err := template.ParseNames(*file, data)
			if err != nil {
				return fail(e, "init", err)
			}
			t.Engineers = append(t.Engineers, es...)
		}
		if *ghTeam != "" {
			es, err := wire.TeamMembers(ctx, wireEnv(e), *ghTeam)
			if err != nil {
				return fail(e, "init", withFix(err))
			}
			t.Engineers = append(t.Engineers, es...)
		}
		if len(t.Engineers) == 0 {
			return fail(e, "init", usagef("name the engineers with --engineer, --engineers-file or --github-team (or give no flags at all for an example roster)"))
		}
		if t.Name == "" {
			return fail(e, "init", usagef("--team: name the team"))
		}
	}
	data, err := template.Render(t)
	if err != nil {
		return fail(e, "init", err)
	}
	if err := writeNew(*path, data, *force); err != nil {
		return fail(e, "init", err)
	}
	if example {
		fmt.Fprintf(e.stdout, "Wrote %s: an example team of %d placeholder engineers, first handoff on %s (next Monday).\n", *path, len(t.Engineers), t.Start)
		fmt.Fprintf(e.stdout, "Change the team, time zone and engineers (its comments say how), or write yours at once:\n"+
			"  steward init --force --team \"Your Team\" --timezone Europe/Berlin --engineer \"Ada Lovelace, ada\" --engineer \"Grace Hopper, grace\"\n")
	} else {
		fmt.Fprintf(e.stdout, "Wrote %s for %s: %d engineer(s) in %s, first handoff on %s.\n", *path, t.Name, len(t.Engineers), t.Timezone, t.Start)
		if *ghTeam != "" {
			fmt.Fprintln(e.stdout, "The names are the GitHub handles: write each person's name, since the rotation goes alphabetically by name.")
		}
	}
	fmt.Fprintf(e.stdout, "Next: steward validate --roster %s, then steward schedule --roster %s.\n", *path, *path)
	return exitOK
}

// writeNew writes data to path; an existing file is left alone unless
// force, and the check and the write are one step (O_EXCL), so two runs
// cannot both write.
func writeNew(path string, data []byte, force bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: steward init never overwrites a roster; pass --force to replace it", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
