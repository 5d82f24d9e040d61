package roster

import (
	"fmt"
	"strings"
)

// Severity says whether a problem stops the roster from being used.
type Severity int

const (
	// Error makes the roster unusable.
	Error Severity = iota
	// Warning is reported but the roster is still used.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one finding about a roster file, located at a line and column.
type Problem struct {
	File     string
	Line     int
	Col      int
	Path     string // e.g. engineers[2].github; empty for file-level problems
	Message  string
	Severity Severity
}

// String formats the problem as FILE:LINE:COL: PATH: message.
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", p.File, p.Line, p.Col)
	if p.Severity == Warning {
		b.WriteString("warning: ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every finding about one roster file, in file order.
type Problems []Problem

// Errors returns only the problems of severity Error.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the problems of severity Warning.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Warning {
			out = append(out, p)
		}
	}
	return out
}

// Error joins the problems one per line, so Problems can be returned as an error.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
