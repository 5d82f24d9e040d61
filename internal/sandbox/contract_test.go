package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// The contract: GitHub's own OpenAPI description, trimmed to the operations
// steward uses by scripts/extract-github-reference.sh. Loaded once per test
// binary.
var (
	specOnce sync.Once
	spec     *openapi3.T
	specErr  error
)

func githubSpec(t testing.TB) *openapi3.T {
	t.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		spec, specErr = loader.LoadFromFile("testdata/github-openapi.json")
		if specErr == nil {
			// The description's examples do not all match its schemas.
			specErr = spec.Validate(context.Background(), openapi3.DisableExamplesValidation())
		}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return spec
}

// openAPIPath turns a mux pattern into the description's path.
func openAPIPath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	return method, strings.ReplaceAll(path, "...}", "}")
}

// operations reads the list the reference data was trimmed to.
func operations(t testing.TB) []string {
	data, err := os.ReadFile("testdata/github-operations.txt")
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			ops = append(ops, l)
		}
	}
	return ops
}

// contract validates every request to and answer from a GitHub emulator
// against the description, failing t on any mismatch, and remembers which
// operations answered 2xx.
type contract struct {
	t     testing.TB
	g     *GitHub
	mu    sync.Mutex
	ok    map[string]int
	check func(route *routers.Route, req *http.Request, params map[string]string, status int, header http.Header, body []byte) error
}

func newContract(t testing.TB, g *GitHub) *contract {
	githubSpec(t)
	return &contract{t: t, g: g, ok: map[string]int{}, check: validateExchange}
}

func (c *contract) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqBody, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	_, pattern := c.g.door.mux.Handler(r)
	rec := httptest.NewRecorder()
	c.g.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())

	method, path := openAPIPath(pattern)
	item := spec.Paths.Find(path)
	if item == nil || item.GetOperation(method) == nil {
		return // GraphQL and the catch-all are not REST operations
	}
	params := map[string]string{}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			name := strings.Trim(seg, "{}")
			params[name] = r.PathValue(name)
		}
	}
	route := &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(documentedForm(method+" "+path, reqBody)))
	if err := c.check(route, req, params, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		c.t.Errorf("contract: %s %s -> %d: %v\nresponse: %.600s", r.Method, r.URL, rec.Code, err, rec.Body.String())
		return
	}
	if rec.Code/100 == 2 {
		c.mu.Lock()
		c.ok[method+" "+path]++
		c.mu.Unlock()
	}
}

// documentedForm rewrites the two request bodies that GitHub accepts but its
// description's schemas do not list, and that steward's libraries send:
//   - adding labels with a bare array (go-github v60; the description's text
//     says "You can also pass an array of labels directly");
//   - a null body for an installation token (ghinstallation v2.19.0 without
//     token options), which GitHub takes as {}.
func documentedForm(op string, body []byte) []byte {
	if op == "POST /app/installations/{installation_id}/access_tokens" && string(bytes.TrimSpace(body)) == "null" {
		return []byte("{}")
	}
	if op == "POST /repos/{owner}/{repo}/issues/{issue_number}/labels" {
		var labels []string
		if json.Unmarshal(body, &labels) == nil {
			b, _ := json.Marshal(map[string][]string{"labels": labels})
			return b
		}
	}
	return body
}

func validateExchange(route *routers.Route, req *http.Request, params map[string]string, status int, header http.Header, body []byte) error {
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return err
	}
	if status == http.StatusNotModified {
		return nil
	}
	if status/100 != 2 && route.Operation.Responses.Status(status) == nil {
		return nil // an error the description does not list; its body is free
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), out)
}

func TestEveryRouteIsAnOperationInGitHubsDescription(t *testing.T) {
	s := githubSpec(t)
	var served []string
	for _, p := range NewGitHub(GitHubOptions{}).Routes() {
		if p == "/" || p == "POST /graphql" {
			continue
		}
		m, path := openAPIPath(p)
		served = append(served, m+" "+path)
		if item := s.Paths.Find(path); item == nil || item.GetOperation(m) == nil {
			t.Errorf("the emulator serves %s, which GitHub's description does not have", p)
		}
	}
	want := operations(t)
	slices.Sort(served)
	slices.Sort(want)
	if !slices.Equal(served, want) {
		t.Errorf("the emulator's routes and testdata/github-operations.txt differ:\nserved: %v\nlisted: %v", served, want)
	}
	info := s.Info.Extensions["x-steward-source"]
	if info != "@octokit/openapi@23.0.2" {
		t.Errorf("reference data names its source as %v", info)
	}
}

func TestContractCheckCatchesAWrongResponse(t *testing.T) {
	s := githubSpec(t)
	item := s.Paths.Find("/repos/{owner}/{repo}/issues/{issue_number}")
	route := &routers.Route{Spec: s, Path: "/repos/{owner}/{repo}/issues/{issue_number}", PathItem: item, Method: "GET", Operation: item.Get}
	g := NewGitHub(GitHubOptions{Tokens: map[string]string{"t": "bot"}})
	g.AddRepo("o", "r", "main", nil)
	g.mu.Lock()
	is := g.newIssue(g.repo("o", "r"), "bot", "title", "")
	good := g.issueJSON("http://x", g.repo("o", "r"), is)
	g.mu.Unlock()
	req := httptest.NewRequest("GET", "http://x/repos/o/r/issues/1", nil)
	params := map[string]string{"owner": "o", "repo": "r", "issue_number": "1"}
	h := http.Header{"Content-Type": {"application/json"}}
	if err := validateExchange(route, req, params, 200, h, mustJSON(good)); err != nil {
		t.Fatalf("a good issue fails the check: %v", err)
	}
	for name, mutate := range map[string]func(m map[string]any){
		"a required field missing":    func(m map[string]any) { delete(m, "number") },
		"a field of the wrong type":   func(m map[string]any) { m["number"] = "one" },
		"a null that is not nullable": func(m map[string]any) { m["user"] = map[string]any{"login": nil} },
		"a value outside its enum":    func(m map[string]any) { m["state_reason"] = "abandoned" },
	} {
		bad := map[string]any{}
		for k, v := range good {
			bad[k] = v
		}
		mutate(bad)
		if err := validateExchange(route, req, params, 200, h, mustJSON(bad)); err == nil {
			t.Errorf("%s passes the contract check", name)
		}
	}
	// An undocumented success status fails too.
	if err := validateExchange(route, req, params, 201, h, mustJSON(good)); err == nil {
		t.Error("an undocumented 201 passes the contract check")
	}
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := jsonEncoder(w).Encode(v); err != nil {
		panic(err)
	}
	w.Flush()
	return b.Bytes()
}

func jsonEncoder(w io.Writer) interface{ Encode(any) error } { return json.NewEncoder(w) }
