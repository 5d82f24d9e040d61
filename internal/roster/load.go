// Package roster owns roster.yaml: strict decoding, validation with
// FILE:LINE:COL positions, and the rewrite that changes only the shifts list.
package roster

import (
	"fmt"
	"io"
	"os"
	"reflect"

	"gopkg.in/yaml.v3"
)

// Load reads and validates the roster at path. On any error it returns nil
// and every problem found; warnings come back with a usable roster.
func Load(path string) (*Roster, Problems, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	r, probs := Parse(path, data)
	if r == nil {
		return nil, probs, probs.Errors()
	}
	return r, probs, nil
}

// ReadFile reads a roster file, but never more than one byte past
// MaxFileBytes: enough for Parse to say it is too big.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the roster: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the roster: %w", err)
	}
	return data, nil
}

// Parse decodes and validates roster data read from file. It returns the
// roster only when there are no errors; problems holds errors and warnings
// in file order.
func Parse(file string, data []byte) (r *Roster, problems Problems) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; a roster check must
		// answer with a finding, never crash a server or an Action.
		if e := recover(); e != nil {
			r = nil
			problems = Problems{{File: file, Line: 1, Col: 1, Message: fmt.Sprintf("not valid YAML: %v", e)}}
		}
	}()
	if len(data) > MaxFileBytes {
		return nil, Problems{{File: file, Line: 1, Col: 1, Message: fmt.Sprintf("the file is larger than %d bytes: a roster is a few hundred lines", MaxFileBytes)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Problems{syntaxProblem(file, data, err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, Problems{{File: file, Line: 1, Col: 1, Message: "the file is empty: start with `version: 1`"}}
	}
	root := resolve(doc.Content[0])
	d := newDecoder(file)
	r = &Roster{File: file}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", "expected a mapping of keys (version, team, timezone, ...), found %s", kindName(root))
		return nil, d.problems
	}
	d.decodeStruct(root, reflect.ValueOf(r).Elem(), "")
	r.pos, r.text, r.source = d.pos, d.text, data
	problems = d.problems
	if d.spent {
		// Everything else found is the same few nodes seen many times over.
		return nil, problems[len(problems)-1:]
	}
	if !hasKeyError(problems, "version") {
		if _, ok := r.pos["version"]; ok && r.Version != 1 {
			problems = append(problems, r.problem(Error, "version", "unsupported version %d: this steward reads version 1", r.Version))
		}
	}
	problems = append(problems, validate(r, problems)...)
	sortProblems(problems)
	if len(problems) > MaxProblems {
		rest := problems[MaxProblems:]
		sev := Warning // the count is an error only if an error is among them
		if len(rest.Errors()) > 0 {
			sev = Error
		}
		problems = append(problems[:MaxProblems], Problem{File: file, Line: rest[0].Line, Col: rest[0].Col,
			Message: fmt.Sprintf("and %d more problems: fix these first", len(rest)), Severity: sev})
	}
	if len(problems.Errors()) > 0 {
		return nil, problems
	}
	return r, problems
}

func hasKeyError(ps Problems, path string) bool {
	for _, p := range ps {
		if p.Path == path {
			return true
		}
	}
	return false
}
