package action_test

// This file runs action.yml the way a GitHub runner runs a composite
// action: it reads the file, evaluates each step's `if:` and `${{ }}`
// expressions, and runs each `run:` step with `bash --noprofile --norc -eo
// pipefail` and the environment a runner sets (GITHUB_ACTION_PATH,
// RUNNER_TEMP, GITHUB_WORKSPACE, and fresh GITHUB_OUTPUT, GITHUB_ENV and
// GITHUB_STEP_SUMMARY files per step, the step's `env:` with the INPUT_*
// names and their hyphens as written). The binary it installs or builds then
// runs against the GitHub and FreshDesk sandboxes over HTTP.
//
// What it cannot run is the two `uses:` steps, which are JavaScript actions
// fetched from GitHub. It emulates them by their documented contract:
//   - actions/cache/restore@v4: an exact key match in a cache directory
//     shared by the test's "jobs" is copied to `path` and `cache-hit` is
//     "true" (else "false").
//   - actions/cache/save@v4: `path` is saved under the key, unless the key
//     is saved already (the service refuses it, and the step only warns).
//   - actions/setup-go@v5: puts Go on PATH. The test's own Go is used, so
//     the step only checks that one is there; which Go version setup-go
//     would pick is not tested.
// Not covered: the runner's real expression engine beyond the operators
// action.yml uses (the evaluator below refuses anything else, so a new
// construct fails this test rather than passing untested), restore-keys,
// the cache service's scoping by branch, and network downloads from
// github.com (the release is served by a local HTTP server).

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sandbox"
)

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`
}

// job is one job of a workflow that uses the action once.
type job struct {
	t          *testing.T
	actionPath string            // GITHUB_ACTION_PATH
	cacheRoot  string            // the emulated cache service, shared across jobs
	env        map[string]string // the job's environment
	inputs     map[string]string // the `with:` of the workflow's step
	temp       string
	contexts   map[string]string // other context values by path (vars.X, github.event_name)

	steps   map[string]map[string]string // steps.<id>.outputs
	ran     []string                     // names of the steps that ran
	log     strings.Builder              // every step's stdout and stderr
	summary strings.Builder
}

func newJob(t *testing.T, actionPath, cacheRoot string, env, inputs map[string]string) *job {
	temp := t.TempDir()
	j := &job{t: t, actionPath: actionPath, cacheRoot: cacheRoot, inputs: inputs, temp: temp, steps: map[string]map[string]string{}}
	j.env = map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"), "GOCACHE": goEnv(t, "GOCACHE"), "GOMODCACHE": goEnv(t, "GOMODCACHE"),
		"GOTOOLCHAIN":    "local",
		"GITHUB_ACTIONS": "true", "RUNNER_TEMP": temp, "RUNNER_OS": runtime.GOOS, "GITHUB_ACTION_PATH": actionPath,
	}
	for k, v := range env {
		j.env[k] = v
	}
	return j
}

func goEnv(t *testing.T, name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// run runs every step in order, as the runner does, stopping at the first
// failure (a composite action's steps have no continue-on-error here). It
// returns the failed step's name, or "".
func (j *job) run() (failed string) {
	j.t.Helper()
	data, err := os.ReadFile(filepath.Join(j.actionPath, "action.yml"))
	if err != nil {
		j.t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		j.t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		j.t.Fatalf("runs.using is %q, not composite", a.Runs.Using)
	}
	for name, in := range a.Inputs {
		if _, ok := j.inputs[name]; !ok {
			j.inputs[name] = in.Default
		}
	}
	for _, s := range a.Runs.Steps {
		cond := strings.TrimSpace(s.If)
		if cond == "" {
			cond = "success()"
		}
		if !truthy(j.eval(strings.TrimSuffix(strings.TrimPrefix(cond, "${{"), "}}"))) {
			continue
		}
		j.ran = append(j.ran, s.Name)
		var ok bool
		if s.Uses != "" {
			ok = j.uses(s)
		} else {
			ok = j.shell(s)
		}
		if !ok {
			return s.Name
		}
	}
	return ""
}

var exprRE = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// expand replaces every ${{ expr }} in s.
func (j *job) expand(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string { return j.eval(exprRE.FindStringSubmatch(m)[1]) })
}

// eval evaluates the part of GitHub's expression language action.yml
// uses: context paths, 'strings', ==, != (case-insensitive, as GitHub
// compares strings), &&, ||, !, parentheses and success(). Anything else
// fails the test.
func (j *job) eval(expr string) string {
	p := &parser{j: j, toks: tokenize(j.t, expr)}
	v := p.or()
	if p.i != len(p.toks) {
		j.t.Fatalf("expression %q: unexpected %q", expr, p.toks[p.i])
	}
	return v
}

func truthy(v string) bool { return v != "" }

func boolean(b bool) string {
	if b {
		return "true"
	}
	return ""
}

var tokenRE = regexp.MustCompile(`\s*('[^']*'|==|!=|&&|\|\||!|\(|\)|[A-Za-z_][A-Za-z0-9_.\-]*(\(\))?)`)

func tokenize(t *testing.T, s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		m := tokenRE.FindStringSubmatchIndex(s)
		if m == nil || m[0] != 0 {
			t.Fatalf("expression: cannot read %q", s)
		}
		out = append(out, s[m[2]:m[3]])
		s = s[m[1]:]
	}
	return out
}

type parser struct {
	j    *job
	toks []string
	i    int
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *parser) or() string {
	v := p.and()
	for p.peek() == "||" {
		p.i++
		r := p.and()
		if !truthy(v) {
			v = r
		}
	}
	return v
}

func (p *parser) and() string {
	v := p.cmp()
	for p.peek() == "&&" {
		p.i++
		r := p.cmp()
		if truthy(v) {
			v = r
		}
	}
	return v
}

func (p *parser) cmp() string {
	v := p.unary()
	switch op := p.peek(); op {
	case "==", "!=":
		p.i++
		r := p.unary()
		return boolean(strings.EqualFold(v, r) == (op == "=="))
	}
	return v
}

func (p *parser) unary() string {
	tok := p.peek()
	p.i++
	switch {
	case tok == "!":
		return boolean(!truthy(p.unary()))
	case tok == "(":
		v := p.or()
		if p.peek() != ")" {
			p.j.t.Fatalf("expression: missing )")
		}
		p.i++
		return v
	case strings.HasPrefix(tok, "'"):
		return strings.Trim(tok, "'")
	case tok == "success()" || tok == "always()":
		return "true" // a failed step stops the run, so later steps see success
	}
	return p.j.lookup(tok)
}

// lookup resolves a context path.
func (j *job) lookup(path string) string {
	if v, ok := j.contexts[path]; ok {
		return v
	}
	parts := strings.Split(path, ".")
	switch {
	case parts[0] == "inputs" && len(parts) == 2:
		v, ok := j.inputs[parts[1]]
		if !ok {
			j.t.Fatalf("expression: no input %q", parts[1])
		}
		return v
	case parts[0] == "steps" && len(parts) == 4 && parts[2] == "outputs":
		return j.steps[parts[1]][parts[3]]
	case path == "runner.temp":
		return j.temp
	case path == "runner.os":
		return map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
	case path == "github.action_path":
		return j.actionPath
	}
	j.t.Fatalf("expression: the emulated runner does not know %q", path)
	return ""
}

// shell runs a run: step as the runner runs `shell: bash`.
func (j *job) shell(s step) bool {
	if s.Shell != "bash" {
		j.t.Fatalf("step %q: shell %q (the emulation runs bash only)", s.Name, s.Shell)
	}
	dir := j.t.TempDir()
	files := map[string]string{}
	for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY"} {
		files[f] = filepath.Join(dir, strings.ToLower(f))
		os.WriteFile(files[f], nil, 0o644)
	}
	script := filepath.Join(dir, "step.sh")
	os.WriteFile(script, []byte(j.expand(s.Run)), 0o644)
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = j.env["GITHUB_WORKSPACE"]
	for k, v := range j.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range s.Env {
		cmd.Env = append(cmd.Env, k+"="+j.expand(v))
	}
	for k, v := range files {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = &j.log, &j.log
	err := cmd.Run()
	if s.ID != "" {
		j.steps[s.ID] = readFileCommands(j.t, files["GITHUB_OUTPUT"])
	}
	for k, v := range readFileCommands(j.t, files["GITHUB_ENV"]) {
		j.env[k] = v
	}
	sum, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	j.summary.Write(sum)
	if err != nil {
		fmt.Fprintf(&j.log, "step %q failed: %v\n", s.Name, err)
		return false
	}
	return true
}

// readFileCommands reads name=value and name<<DELIM ... DELIM lines.
func readFileCommands(t *testing.T, path string) map[string]string {
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok {
			var val []string
			for sc.Scan() && sc.Text() != delim {
				val = append(val, sc.Text())
			}
			out[name] = strings.Join(val, "\n")
		} else if name, val, ok := strings.Cut(line, "="); ok {
			out[name] = val
		}
	}
	return out
}

// uses emulates the two JavaScript actions action.yml uses.
func (j *job) uses(s step) bool {
	with := map[string]string{}
	for k, v := range s.With {
		with[k] = j.expand(v)
	}
	switch s.Uses {
	case "actions/cache/restore@v4", "actions/cache/save@v4":
		path, key := with["path"], with["key"]
		if path == "" || key == "" {
			j.t.Fatalf("%s: path %q, key %q", s.Uses, path, key)
		}
		saved := filepath.Join(j.cacheRoot, key)
		_, err := os.Stat(saved)
		if s.Uses == "actions/cache/save@v4" {
			if err == nil {
				fmt.Fprintf(&j.log, "actions/cache/save: %s is saved already\n", key)
			} else if _, err := os.Stat(path); err == nil {
				copyDir(j.t, path, saved)
				fmt.Fprintf(&j.log, "actions/cache/save: saved %s\n", key)
			}
			return true
		}
		hit := "false"
		if err == nil {
			copyDir(j.t, saved, path)
			hit = "true"
		}
		j.steps[s.ID] = map[string]string{"cache-hit": hit}
		fmt.Fprintf(&j.log, "actions/cache/restore: key %s, hit %s\n", key, hit)
		return true
	case "actions/setup-go@v5":
		if !strings.HasSuffix(with["go-version-file"], "/go.mod") {
			j.t.Errorf("setup-go reads %q, not the action's go.mod", with["go-version-file"])
		}
		if _, err := os.Stat(with["go-version-file"]); err != nil {
			j.t.Errorf("setup-go: %v", err)
		}
		return lookPath(j.env["PATH"], "go") != ""
	}
	j.t.Fatalf("step %q uses %s, which the emulated runner does not know", s.Name, s.Uses)
	return false
}

func lookPath(path, name string) string {
	for _, d := range filepath.SplitList(path) {
		if fi, err := os.Stat(filepath.Join(d, name)); err == nil && !fi.IsDir() {
			return filepath.Join(d, name)
		}
	}
	return ""
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	os.MkdirAll(to, 0o755)
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		info, _ := e.Info()
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// withoutGo is PATH with every directory that holds a go binary removed:
// a job that must compile nothing cannot.
func withoutGo(path string) string {
	var keep []string
	for _, d := range filepath.SplitList(path) {
		if lookPath(d, "go") == "" {
			keep = append(keep, d)
		}
	}
	return strings.Join(keep, string(filepath.ListSeparator))
}

// sandboxJob is a job whose workspace holds the sample roster and whose
// steward talks to the sandboxes of a newRunner.
func sandboxJob(t *testing.T, actionPath, cacheRoot string, extraEnv map[string]string) (*job, *runner) {
	r := newRunner(t, nil)
	// The binary runs as of the test's moment, as the sandboxes do: the
	// fixture's sprint is current and the ticket an hour old on any day.
	r.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, Tags: []string{"engineering"}, CreatedAt: now.Add(-time.Hour)})
	env := map[string]string{"GITHUB_WORKSPACE": r.dir, "GITHUB_API_URL": r.vars["GITHUB_API_URL"], "FRESHDESK_BASE_URL": r.vars["FRESHDESK_BASE_URL"],
		clock.Variable: now.Format(time.RFC3339)}
	for k, v := range extraEnv {
		env[k] = v
	}
	return newJob(t, actionPath, cacheRoot, env, map[string]string{"command": "run", "github-token": "ghp_ActionSecretToken123", "freshdesk-api-key": "fdkey-ActionSecret456"}), r
}

func (j *job) mustSucceed(r *runner) {
	j.t.Helper()
	if failed := j.run(); failed != "" {
		j.t.Fatalf("step %q failed:\n%s", failed, j.log.String())
	}
	out := j.steps["steward"]
	sample, _ := os.ReadFile("../roster.yaml")
	rs, _ := roster.Parse("roster.yaml", sample)
	var want []string
	for _, s := range rotation.Who(rs, rs.Today(now)).OnDuty {
		want = append(want, s.GitHub)
	}
	if out["stewards"] != strings.Join(want, ",") || out["issues-created"] != "1" {
		j.t.Errorf("outputs %v, want stewards %v\n%s", out, want, j.log.String())
	}
	var unmasked []string
	for _, l := range strings.Split(j.log.String(), "\n") {
		if !strings.HasPrefix(l, "::add-mask::") {
			unmasked = append(unmasked, l)
		}
	}
	if !strings.Contains(j.summary.String(), "**Stewards on duty:**") || strings.Contains(strings.Join(unmasked, "\n")+j.summary.String(), "ActionSecret") {
		j.t.Errorf("summary or log:\n%s\n%s", j.summary.String(), j.log.String())
	}
	if len(r.g.Issues("open-infra", "support")) == 0 {
		j.t.Error("steward wrote nothing to the sandbox")
	}
}

// From a branch, a commit or `uses: ./` (no release pinned), the first run
// builds steward from the action's source and caches it at once, so a
// first run that fails (as runs do before setup is done) still saves it;
// the next run restores it and compiles nothing: it has no Go at all.
func TestTheActionRunsFromSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds steward")
	}
	root, _ := filepath.Abs("..")
	if version, source := pinned(t, root); version != "" && (source == "" || source == sourceHash(t, root)) {
		t.Skipf("this checkout is release %s: the source path is not taken", version)
	}
	cache := t.TempDir()
	// The first run fails (its roster is missing, as before setup is
	// done): the binary it built is saved all the same.
	cold, _ := sandboxJob(t, root, cache, nil)
	cold.inputs["roster"] = "not-yet.yaml"
	if failed := cold.run(); failed != "Run steward" {
		t.Fatalf("cold run: failed step %q, want steward's\n%s", failed, cold.log.String())
	}
	if !strings.Contains(cold.log.String(), "built steward from source in") || !strings.Contains(cold.log.String(), "actions/cache/save: saved steward-source-") {
		t.Errorf("cold run:\n%s", cold.log.String())
	}

	warm, r := sandboxJob(t, root, cache, nil)
	warm.env["PATH"] = withoutGo(warm.env["PATH"])
	warm.mustSucceed(r)
	if warm.steps["cache"]["cache-hit"] != "true" || strings.Contains(strings.Join(warm.ran, ","), "Set up Go") || strings.Contains(strings.Join(warm.ran, ","), "Save steward") ||
		!strings.Contains(warm.log.String(), "cached") || strings.Contains(warm.log.String(), "built steward") {
		t.Errorf("warm run ran %v:\n%s", warm.ran, warm.log.String())
	}
}

// pinned reads the release and source hash action/checksums.txt names.
func pinned(t *testing.T, root string) (version, source string) {
	data, err := os.ReadFile(filepath.Join(root, "action", "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "# version: "); ok {
			version = v
		}
		if v, ok := strings.CutPrefix(l, "# source: "); ok {
			source = v
		}
	}
	return version, source
}

func sourceHash(t *testing.T, dir string) string {
	out, err := exec.Command("bash", filepath.Join(dir, "action", "source-hash.sh"), dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// releaseAction is a copy of the action as a release tag has it: action.yml
// and action/ with checksums.txt pinning version, and no Go source.
// The pinned source is the copy's own (source-hash.sh), unless source says
// otherwise.
func releaseAction(t *testing.T, version, sum, source string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"action.yml", "go.mod", "go.sum"} {
		copyFile(t, filepath.Join("..", f), filepath.Join(dir, f))
	}
	os.MkdirAll(filepath.Join(dir, "action"), 0o755)
	for _, f := range []string{"install.sh", "build.sh", "source-hash.sh"} {
		copyFile(t, f, filepath.Join(dir, "action", f))
	}
	if source == "" {
		source = sourceHash(t, dir)
	}
	target := runtime.GOOS + "_" + runtime.GOARCH
	os.WriteFile(filepath.Join(dir, "action", "checksums.txt"),
		[]byte(fmt.Sprintf("# version: %s\n# source: %s\n%s  steward_%s\n", version, source, sum, target)), 0o644)
	return dir
}

func copyFile(t *testing.T, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(to, data, 0o755)
}

// A release tag installs its pinned binary, checked by SHA-256, with no Go;
// a binary that does not match its checksum is refused.
func TestTheActionInstallsAPinnedRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds steward")
	}
	bin := filepath.Join(t.TempDir(), "steward")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/steward")
	build.Dir, build.Env = "..", append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(bin)
	h := sha256.Sum256(data)
	target := runtime.GOOS + "_" + runtime.GOARCH
	var downloads int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/v0.0.1-test/steward_"+target {
			http.NotFound(w, req)
			return
		}
		downloads++
		w.Write(data)
	}))
	defer srv.Close()
	env := map[string]string{"STEWARD_RELEASE_BASE_URL": srv.URL}

	j, r := sandboxJob(t, releaseAction(t, "v0.0.1-test", hex.EncodeToString(h[:]), ""), t.TempDir(), env)
	j.env["PATH"] = withoutGo(j.env["PATH"])
	j.mustSucceed(r)
	if downloads != 1 || j.steps["plan"]["mode"] != "release" || strings.Join(j.ran, ",") != "Install steward,Run steward" ||
		!strings.Contains(j.log.String(), "steward v0.0.1-test ("+target+") installed") {
		t.Errorf("%d download(s), ran %v:\n%s", downloads, j.ran, j.log.String())
	}

	wrong := sha256.Sum256([]byte("not steward"))
	j, _ = sandboxJob(t, releaseAction(t, "v0.0.1-test", hex.EncodeToString(wrong[:]), ""), t.TempDir(), env)
	if failed := j.run(); failed != "Install steward" || !strings.Contains(j.log.String(), "does not match its pinned checksum") ||
		!strings.Contains(j.log.String(), "::error::") {
		t.Errorf("a wrong checksum: failed %q\n%s", failed, j.log.String())
	}
	if _, err := os.Stat(filepath.Join(j.temp, "steward", "steward")); err == nil {
		t.Error("a binary that does not match its checksum was left installed")
	}

	// A ref whose source moved on since the release it pins (main after a
	// release commit) builds from its source rather than install the older
	// release.
	before := downloads
	j, _ = sandboxJob(t, releaseAction(t, "v0.0.1-test", hex.EncodeToString(h[:]), "0000000000000000000000000000000000000000"), t.TempDir(), env)
	j.run() // the copy has no Go source to build: only the choice is checked
	if j.steps["plan"]["mode"] != "source" || downloads != before || !strings.Contains(j.log.String(), "built from other source than this ref's") {
		t.Errorf("a moved-on ref: mode %q, %d download(s)\n%s", j.steps["plan"]["mode"], downloads, j.log.String())
	}
}
