package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// The Slack description is Swagger 2.0 with JSON Schema draft-4 shapes
// (type lists with "null", tuple-style items) that kin-openapi's Swagger 2.0
// loader refuses, so the emulator's answers are checked by this small
// validator of the keywords the trimmed description uses: $ref, type,
// properties, required, additionalProperties, items, enum, pattern,
// minItems. format and uniqueItems are not checked.

type slackSpec struct {
	Definitions map[string]any
	Paths       map[string]map[string]struct {
		Responses map[string]struct{ Schema any }
	}
}

var (
	slackSpecOnce sync.Once
	slackSpecDoc  slackSpec
	slackSpecErr  error
)

// loadSlackSpec parses the embedded description's schemas once.
func loadSlackSpec() (slackSpec, error) {
	slackSpecOnce.Do(func() { slackSpecErr = json.Unmarshal(slackDescription, &slackSpecDoc) })
	return slackSpecDoc, slackSpecErr
}

// validateAnswer checks a success answer of method against the
// description's 200 schema.
func (s slackSpec) validateAnswer(method string, body []byte) []string {
	for _, op := range s.Paths["/"+method] {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return []string{"not JSON: " + err.Error()}
		}
		return s.validate(op.Responses["200"].Schema, v, method)
	}
	return []string{method + " is not in the description"}
}

func (s slackSpec) validate(schema, v any, at string) []string {
	sch, ok := schema.(map[string]any)
	if !ok {
		return nil
	}
	if ref, ok := sch["$ref"].(string); ok {
		return s.validate(s.Definitions[strings.TrimPrefix(ref, "#/definitions/")], v, at)
	}
	if t, ok := sch["type"]; ok && !typeFits(t, v) {
		return []string{fmt.Sprintf("%s: %v is not of type %v", at, v, t)}
	}
	var out []string
	if enum, ok := sch["enum"].([]any); ok && !slices.Contains(enum, v) {
		out = append(out, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if pat, ok := sch["pattern"].(string); ok {
		if str, isStr := v.(string); isStr && !regexp.MustCompile(pat).MatchString(str) {
			out = append(out, fmt.Sprintf("%s: %q does not match %s", at, str, pat))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := sch["properties"].(map[string]any)
		for _, r := range asSlice(sch["required"]) {
			if _, ok := v[r.(string)]; !ok {
				out = append(out, fmt.Sprintf("%s: required %q missing", at, r))
			}
		}
		for k, x := range v {
			if p, ok := props[k]; ok {
				out = append(out, s.validate(p, x, at+"."+k)...)
			} else if sch["additionalProperties"] == false {
				out = append(out, fmt.Sprintf("%s: %q is not allowed", at, k))
			}
		}
	case []any:
		if n, ok := sch["minItems"].(float64); ok && len(v) < int(n) {
			out = append(out, fmt.Sprintf("%s: fewer than %v items", at, n))
		}
		for i, x := range v {
			switch items := sch["items"].(type) {
			case map[string]any:
				out = append(out, s.validate(items, x, fmt.Sprintf("%s[%d]", at, i))...)
			case []any:
				// Draft-4 tuple items, used by this description to mean "any
				// of": the item must fit one of them.
				fits := false
				for _, alt := range items {
					fits = fits || len(s.validate(alt, x, at)) == 0
				}
				if !fits {
					out = append(out, fmt.Sprintf("%s[%d]: %v fits none of the item schemas", at, i, x))
				}
			}
		}
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func typeFits(t, v any) bool {
	if list, ok := t.([]any); ok {
		for _, x := range list {
			if typeFits(x, v) {
				return true
			}
		}
		return false
	}
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "null":
		return v == nil
	}
	return true
}
