package action_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The cache key names what a build of steward reads: every file the Go tool
// says the binary is built from is in it, and nothing a test leaves behind.
func TestTheSourceHashCoversWhatTheBuildReads(t *testing.T) {
	root, _ := filepath.Abs("..")
	out, err := exec.Command("bash", filepath.Join(root, "action", "source-hash.sh"), "--list", root).Output()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range strings.Fields(string(out)) {
		listed[filepath.Join(root, f)] = true
		if strings.HasSuffix(f, "_test.go") {
			t.Errorf("the hash reads the test file %s", f)
		}
	}
	cmd := exec.Command("go", "list", "-deps", "-f",
		`{{if .Module}}{{if eq .Module.Path "github.com/support-steward/steward"}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}
{{end}}{{end}}{{end}}`, "./cmd/steward")
	cmd.Dir = root
	built, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	read := append(strings.Fields(string(built)), filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum"))
	for _, f := range read {
		if !listed[f] {
			t.Errorf("the build reads %s, which the hash leaves out", f)
		}
	}
	if len(read) < 50 {
		t.Fatalf("go list named only %d files", len(read))
	}
}

// A file a test writes into testdata (the page test's screenshots, while
// another test builds steward) leaves the key as it was; a change to an
// embedded file changes it.
func TestTheSourceHashIgnoresWhatTestsLeave(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n")
	write("page/page.go", "package page\n\nimport \"embed\"\n\n//go:embed page.css \"assets\"\n//go:embed testdata/*.json\nvar files embed.FS\n")
	write("page/page.css", "body {}\n")
	write("page/assets/logo.svg", "<svg/>\n")
	write("page/assets/.hidden", "x\n")
	write("page/testdata/schema.json", "{}\n")
	hash := func() string {
		t.Helper()
		out, err := exec.Command("bash", "source-hash.sh", dir).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	before := hash()
	write("page/testdata/screenshot-desktop.png", "png")
	write("page/page_test.go", "package page\n")
	write("page/assets/.hidden", "changed\n")
	if got := hash(); got != before {
		t.Errorf("a test's leftovers changed the hash: %s, then %s", before, got)
	}
	for _, f := range []string{"page/page.css", "page/assets/logo.svg", "page/testdata/schema.json", "go.mod", "page/page.go"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		write(f, string(b)+"\n")
		if got := hash(); got == before {
			t.Errorf("changing %s left the hash as it was", f)
		} else {
			before = got
		}
	}
}
