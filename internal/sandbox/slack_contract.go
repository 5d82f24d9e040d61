package sandbox

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// slackDescription is Slack's published Web API description (Swagger 2.0,
// version 1.7.0, from slackapi/slack-api-specs), trimmed to the methods
// steward calls by scripts/extract-slack-reference.sh.
//
//go:embed testdata/slack-web-openapi.json
var slackDescription []byte

// slackNewerParams are arguments steward's client sends that Slack accepts
// but its 2021 description does not list, each with the reason it is allowed.
// Anything else not in the description is a contract violation.
var slackNewerParams = map[string]map[string]string{
	"chat.postMessage": {
		// Message metadata (2022) carries machine-readable data with a
		// message: api.slack.com/metadata/using.
		"metadata": "message metadata, added to chat.postMessage in 2022",
	},
}

// slackEitherVerb: Slack takes every Web API method by GET with a query or
// by POST with a form or JSON body (api.slack.com/web "Basics"); the
// description lists one verb per method, and slack-go posts forms for
// methods the description lists as GET (auth.test, usergroups.users.list).
const slackEitherVerb = "Slack accepts GET and POST for every Web API method"

// slackTokenAnywhere: the description places `token` in a header for some
// methods and in the query for others; Slack takes it as
// `Authorization: Bearer` or as a `token` argument on any method, and
// slack-go sends it as a form argument.
const slackTokenAnywhere = "Slack accepts the token as Authorization: Bearer or as a token argument"

type slackParam struct {
	In       string `json:"in"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
}

// slackOperation is one method's entry in the description.
type slackOperation struct {
	verb   string
	params map[string]slackParam
}

var (
	slackContractOnce sync.Once
	slackContractOps  map[string]slackOperation
	slackContractErr  error
	// slackContractSource is the description's x-steward-source.
	slackContractSource string
)

// slackOperations parses the embedded description once.
func slackOperations() (map[string]slackOperation, error) {
	slackContractOnce.Do(func() {
		var d struct {
			Info struct {
				Version string `json:"version"`
				Source  string `json:"x-steward-source"`
			} `json:"info"`
			Swagger string                                                  `json:"swagger"`
			Paths   map[string]map[string]struct{ Parameters []slackParam } `json:"paths"`
		}
		if slackContractErr = json.Unmarshal(slackDescription, &d); slackContractErr != nil {
			return
		}
		slackContractSource = d.Info.Source
		slackContractOps = map[string]slackOperation{}
		for path, verbs := range d.Paths {
			for verb, op := range verbs {
				o := slackOperation{verb: strings.ToUpper(verb), params: map[string]slackParam{}}
				for _, p := range op.Parameters {
					o.params[p.Name] = p
				}
				slackContractOps[strings.TrimPrefix(path, "/")] = o
			}
		}
	})
	return slackContractOps, slackContractErr
}

// checkSlackRequest checks one request against Slack's description: the
// method exists, every argument is one the description lists (or a named
// newer one), the required ones are there and each has its declared type.
// It returns every problem found, or nil.
func checkSlackRequest(r *http.Request, method string, p slackParams) []string {
	ops, err := slackOperations()
	if err != nil {
		return []string{"the Slack description does not load: " + err.Error()}
	}
	op, ok := ops[method]
	if !ok {
		return []string{fmt.Sprintf("%s is not a method in Slack's description", method)}
	}
	var problems []string
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		problems = append(problems, fmt.Sprintf("%s %s: %s (only GET and POST)", r.Method, method, slackEitherVerb))
	}
	names := make([]string, 0, len(p.Values))
	for k := range p.Values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "token" {
			continue // slackTokenAnywhere
		}
		decl, ok := op.params[name]
		if !ok {
			if _, newer := slackNewerParams[method][name]; !newer {
				problems = append(problems, fmt.Sprintf("%s: argument %q is not in Slack's description", method, name))
			}
			continue
		}
		for _, v := range p.Values[name] {
			if msg := slackTypeProblem(decl.Type, v); msg != "" {
				problems = append(problems, fmt.Sprintf("%s: argument %q=%q: %s", method, name, v, msg))
			}
		}
		if len(p.Values[name]) > 1 {
			problems = append(problems, fmt.Sprintf("%s: argument %q sent %d times", method, name, len(p.Values[name])))
		}
	}
	for name, decl := range op.params {
		if !decl.Required {
			continue
		}
		if name == "token" {
			if p.token == "" {
				problems = append(problems, fmt.Sprintf("%s: no token (%s)", method, slackTokenAnywhere))
			}
			continue
		}
		if !p.Has(name) {
			problems = append(problems, fmt.Sprintf("%s: required argument %q missing", method, name))
		}
	}
	sort.Strings(problems)
	return problems
}

// slackTypeProblem says how v does not fit a Swagger 2.0 primitive type.
func slackTypeProblem(typ, v string) string {
	switch typ {
	case "boolean":
		if !slices.Contains([]string{"true", "false", "1", "0"}, v) {
			return "not a boolean"
		}
	case "integer":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "not an integer"
		}
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "not a number"
		}
	}
	return ""
}
