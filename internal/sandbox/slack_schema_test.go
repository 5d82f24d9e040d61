package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The Slack description is Swagger 2.0 with JSON Schema draft-4 shapes
// (type lists with "null", tuple-style items) that kin-openapi's Swagger 2.0
// loader refuses, so answers are checked by this small validator of the
// keywords the trimmed description uses: $ref, type, properties, required,
// additionalProperties, items, enum, pattern, minItems. format and
// uniqueItems are not checked.

type slackSpec struct {
	Definitions map[string]any
	Paths       map[string]map[string]struct {
		Responses map[string]struct{ Schema any }
	}
}

func loadSlackSpec(t testing.TB) slackSpec {
	t.Helper()
	var s slackSpec
	if err := json.Unmarshal(slackDescription, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// validateSlackAnswer checks a success answer of method against the
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

func TestSlackSchemaCheckCatchesAWrongAnswer(t *testing.T) {
	s := loadSlackSpec(t)
	good := `{"ok":true,"channel":"C0TICKETS1","permalink":"https://x.slack.com/archives/C0TICKETS1/p1700000000000001"}`
	if p := s.validateAnswer("chat.getPermalink", []byte(good)); len(p) > 0 {
		t.Fatalf("a good answer fails: %v", p)
	}
	for name, bad := range map[string]string{
		"a required field missing":       `{"ok":true,"channel":"C0TICKETS1"}`,
		"a field not in the schema":      `{"ok":true,"channel":"C0TICKETS1","permalink":"https://x","extra":1}`,
		"a channel id of the wrong form": `{"ok":true,"channel":"general","permalink":"https://x"}`,
		"ok false in a success":          `{"ok":false,"channel":"C0TICKETS1","permalink":"https://x"}`,
	} {
		if p := s.validateAnswer("chat.getPermalink", []byte(bad)); len(p) == 0 {
			t.Errorf("%s passes the check", name)
		}
	}
}
