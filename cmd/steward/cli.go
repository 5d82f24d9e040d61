package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Exit statuses, the same for every command.
const (
	exitOK       = 0
	exitFindings = 1 // the command ran and found problems (or failed)
	exitUsage    = 2 // the command line itself is wrong
)

// env is everything a command may touch of the outside world, so tests run
// commands exactly as a user would without a process.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) int
}

// commands is filled in init: the commands' own help reads it.
var commands map[string]command

func init() {
	commands = map[string]command{
		"schedule": {"print the steward schedule (table, json, ics, markdown, or the team-roles page as html)", cmdSchedule},
		"who":      {"show the stewards on duty and the next handoff", cmdWho},
		"validate": {"check roster.yaml and report every problem at its line", cmdValidate},
		"sync":     {"mirror FreshDesk tickets as support issues and keep both in step", cmdSync},
		"rotate":   {"propose the next handoff as a pull request; keep the stewards' team and group", cmdRotate},
		"swap":     {"propose, as a pull request, that two engineers exchange confirmed shifts", cmdSwap},
		"cover":    {"propose, as a pull request, that someone stands in for a steward for some days", cmdCover},
		"remind":   {"keep the support dashboard issue and comment once on each missed response target", cmdRemind},
		"route":    {"ask a fairly chosen engineer to take a support issue", cmdRoute},
		"fairness": {"how support work was spread: shifts, asks, declines and open issues per engineer", cmdFairness},
		"cost":     {"what running steward costs a month: Actions minutes and requests, by setup", cmdCost},
		"report":   {"support health, week by week: tickets, first responses, updates, resolutions", cmdReport},
		"serve":    {"run as a GitHub App webhook target (configured by the environment)", cmdServe},
		"run":      {"rotate, sync, remind and route in one go, as the scheduled Action does", cmdRun},
		"action":   {"run as a GitHub Action (inputs from INPUT_* variables)", cmdAction},
		"demo":     {"the whole cycle against the built-in sandboxes: no network, no credentials", cmdDemo},
		"init":     {"write a new team's roster.yaml (an example team when given no flags)", cmdInit},

		"check-roster": {"check a roster change: annotations at its lines, the schedule diff as a comment", cmdCheckRoster},
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "steward runs a support team's process from roster.yaml.\n\nUsage: steward COMMAND [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun 'steward COMMAND --help' for a command's flags.\n")
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "steward: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

// flags returns a flag set for a command whose --help goes to stdout.
func flags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("steward "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: steward %s %s\n\n%s\n\nFlags:\n", name, synopsis, commands[name].summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns -1 to go on, or the exit status to stop with.
func parse(fs *flag.FlagSet, e env, args []string) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "steward %s: unexpected argument %q\n", strings.TrimPrefix(fs.Name(), "steward "), fs.Arg(0))
		return exitUsage
	}
	return -1
}

// usageError marks an error in the command line rather than in the world.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// fail reports err and returns its exit status.
func fail(e env, name string, err error) int {
	fmt.Fprintf(e.stderr, "steward %s: %v\n", name, err)
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFindings
}
