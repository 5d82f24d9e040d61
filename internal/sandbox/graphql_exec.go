package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// githubSchema is GitHub's GraphQL schema trimmed to what steward's
// documents use (scripts/extract-github-reference.sh).
//
//go:embed testdata/github-schema.graphql
var githubSchema string

var (
	schemaOnce sync.Once
	schema     *ast.Schema
	schemaErr  error
)

// GitHubSchema returns GitHub's (trimmed) GraphQL schema.
func GitHubSchema() (*ast.Schema, error) {
	schemaOnce.Do(func() {
		schema, schemaErr = gqlparser.LoadSchema(&ast.Source{Name: "github-schema.graphql", Input: githubSchema})
	})
	return schema, schemaErr
}

// ValidateGraphQL checks a document against GitHub's GraphQL schema, as
// GitHub would before running it. Tests of code that sends GraphQL call it
// on every document they send.
func ValidateGraphQL(document string) error {
	s, err := GitHubSchema()
	if err != nil {
		return err
	}
	if _, errs := gqlparser.LoadQueryWithRules(s, document, nil); len(errs) > 0 {
		return fmt.Errorf("GraphQL document does not validate against GitHub's schema: %w", errs)
	}
	return nil
}

// gqlObject is an object being resolved: its GraphQL type name and its
// fields, each a resolver of its arguments.
type gqlObject struct {
	typ    string
	fields map[string]func(args map[string]any) (any, error)
}

// gqlResult keeps response keys in selection order.
type gqlResult struct {
	keys []string
	vals map[string]any
}

func (r *gqlResult) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range r.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(r.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// gqlError is a GraphQL error as GitHub writes it.
type gqlError struct {
	Type    string `json:"type,omitempty"`
	Message string `json:"message"`
	Path    []any  `json:"path,omitempty"`
}

// execute runs a validated operation against root.
type executor struct {
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	errors []gqlError
	// budget is how many of a mutation document's mutations run (0: all);
	// ran counts them, and cut says the document ran out.
	budget, ran int
	cut         bool
}

func (e *executor) applies(typeCondition string, obj *gqlObject) bool {
	if typeCondition == "" || typeCondition == obj.typ {
		return true
	}
	def := e.schema.Types[typeCondition]
	if def == nil {
		return false
	}
	for _, p := range e.schema.GetPossibleTypes(def) {
		if p.Name == obj.typ {
			return true
		}
	}
	return false
}

// included applies @skip and @include, as GitHub does: a field left out
// is neither resolved nor answered (a mutation left out does not run).
func (e *executor) included(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		v, _ := d.ArgumentMap(e.vars)["if"].(bool)
		if (d.Name == "skip") == v {
			return false
		}
	}
	return true
}

// collect flattens a selection set for obj, following fragments.
func (e *executor) collect(set ast.SelectionSet, obj *gqlObject, out *[]*ast.Field) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if e.included(s.Directives) {
				*out = append(*out, s)
			}
		case *ast.InlineFragment:
			if e.included(s.Directives) && e.applies(s.TypeCondition, obj) {
				e.collect(s.SelectionSet, obj, out)
			}
		case *ast.FragmentSpread:
			if f := e.doc.Fragments.ForName(s.Name); f != nil && e.applies(f.TypeCondition, obj) {
				e.collect(f.SelectionSet, obj, out)
			}
		}
	}
}

func (e *executor) object(set ast.SelectionSet, obj *gqlObject, path []any) *gqlResult {
	var fields []*ast.Field
	e.collect(set, obj, &fields)
	res := &gqlResult{vals: map[string]any{}}
	for _, f := range fields {
		key := f.Alias
		if key == "" {
			key = f.Name
		}
		if _, dup := res.vals[key]; dup {
			continue
		}
		res.keys = append(res.keys, key)
		if f.Name == "__typename" {
			res.vals[key] = obj.typ
			continue
		}
		if path == nil && obj.typ == "Mutation" && e.budget > 0 {
			if e.ran >= e.budget {
				// Cut short: GitHub's resource limits stop the document
				// here, and what ran before stays applied.
				e.cut = true
				e.errors = append(e.errors, gqlError{Type: "RESOURCE_LIMITS_EXCEEDED", Message: "Resource limits for this query exceeded.", Path: []any{key}})
				res.vals[key] = nil
				continue
			}
			e.ran++
		}
		resolve, ok := obj.fields[f.Name]
		if !ok {
			e.errors = append(e.errors, gqlError{Message: fmt.Sprintf("the sandbox does not resolve %s.%s yet", obj.typ, f.Name), Path: append(path, key)})
			res.vals[key] = nil
			continue
		}
		v, err := resolve(f.ArgumentMap(e.vars))
		if err != nil {
			e.errors = append(e.errors, gqlError{Type: errType(err), Message: err.Error(), Path: append(append([]any(nil), path...), key)})
			res.vals[key] = nil
			continue
		}
		res.vals[key] = e.value(f.SelectionSet, v, append(append([]any(nil), path...), key))
	}
	return res
}

func (e *executor) value(set ast.SelectionSet, v any, path []any) any {
	switch x := v.(type) {
	case *gqlObject:
		if x == nil {
			return nil
		}
		return e.object(set, x, path)
	case []*gqlObject:
		out := make([]any, len(x))
		for i, o := range x {
			out[i] = e.value(set, o, append(path, i))
		}
		return out
	}
	return v
}

// typedError carries GitHub's error type (NOT_FOUND, FORBIDDEN, ...).
type typedError struct{ typ, msg string }

func (t typedError) Error() string { return t.msg }

func errType(err error) string {
	if t, ok := err.(typedError); ok {
		return t.typ
	}
	return ""
}

// runGraphQL validates and executes a request against the roots; a
// mutation document runs at most budget mutations (0: all), and cut says
// it ran out.
func runGraphQL(query, operationName string, variables map[string]any, query0, mutation *gqlObject, budget int) (out map[string]any, status int, cut bool) {
	out, status, e := runOperation(query, operationName, variables, query0, mutation, budget)
	return out, status, e != nil && e.cut
}

func runOperation(query, operationName string, variables map[string]any, query0, mutation *gqlObject, budget int) (map[string]any, int, *executor) {
	s, err := GitHubSchema()
	if err != nil {
		return map[string]any{"errors": []gqlError{{Message: err.Error()}}}, 500, nil
	}
	doc, errs := gqlparser.LoadQueryWithRules(s, query, nil)
	if len(errs) > 0 {
		return map[string]any{"errors": fromGQLErrors(errs)}, 200, nil
	}
	var op *ast.OperationDefinition
	switch {
	case operationName != "":
		op = doc.Operations.ForName(operationName)
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	}
	if op == nil {
		return map[string]any{"errors": []gqlError{{Message: "An operation name is required when the document has several"}}}, 200, nil
	}
	vars, err := validator.VariableValues(s, op, variables)
	if err != nil {
		return map[string]any{"errors": []gqlError{{Message: err.Error()}}}, 200, nil
	}
	e := &executor{schema: s, doc: doc, vars: vars}
	root := query0
	if op.Operation == ast.Mutation {
		root, e.budget = mutation, budget
	}
	data := e.object(op.SelectionSet, root, nil)
	out := map[string]any{"data": data}
	if len(e.errors) > 0 {
		out["errors"] = e.errors
	}
	return out, 200, e
}

func fromGQLErrors(errs gqlerror.List) []gqlError {
	out := make([]gqlError, 0, len(errs))
	for _, e := range errs {
		out = append(out, gqlError{Message: strings.TrimPrefix(e.Message, "input: ")})
	}
	return out
}
