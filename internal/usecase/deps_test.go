package usecase_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// The domain packages and the use cases reach the outside only through
// ports: none of them may import an API client, even indirectly. Only the
// adapters (internal/gh, internal/freshdesk, internal/slack) and the wiring
// do.
func TestDomainAndUseCasesImportNoAPIClient(t *testing.T) {
	const mod = "github.com/support-steward/steward/"
	pkgs := []string{"mirror", "routing", "sla", "rotation", "comms", "usecase"}
	forbidden := []string{"github.com/google/go-github/", mod + "internal/gh", mod + "internal/freshdesk",
		"github.com/slack-go/slack", mod + "internal/slack"}
	args := []string{"list", "-deps", "-json=ImportPath,Imports"}
	for _, p := range pkgs {
		args = append(args, mod+"internal/"+p)
	}
	out, err := exec.Command("go", args...).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("go list: %v\n%s", err, exit.Stderr)
	}
	if err != nil {
		t.Skipf("no go command to list imports with: %v", err)
	}
	// Who imports what, to name the path to a forbidden package.
	importers := map[string]string{}
	listed := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		listed[p.ImportPath] = true
		for _, imp := range p.Imports {
			if _, ok := importers[imp]; !ok {
				importers[imp] = p.ImportPath
			}
		}
	}
	if len(listed) < len(pkgs) {
		t.Fatalf("go list listed %d packages", len(listed))
	}
	for dep := range listed {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(dep[len(f):], "/")) {
				chain := []string{dep}
				for at := dep; importers[at] != "" && len(chain) < 20; at = importers[at] {
					chain = append(chain, importers[at])
				}
				t.Errorf("%s is imported by the domain or the use cases: %s", dep, strings.Join(chain, " <- "))
			}
		}
	}
}

// Construction lives in one place: besides the adapters themselves, only
// internal/wire imports an API client or an adapter package. The server,
// the run, the demo and the commands get their clients from wire.
func TestOnlyAdaptersAndWireImportAPIClients(t *testing.T) {
	const mod = "github.com/support-steward/steward/"
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", mod+"...").Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("go list: %v\n%s", err, exit.Stderr)
	}
	if err != nil {
		t.Skipf("no go command to list imports with: %v", err)
	}
	clients := []string{"github.com/google/go-github/", "github.com/slack-go/slack", "github.com/bradleyfalzon/ghinstallation/",
		mod + "internal/gh", mod + "internal/freshdesk", mod + "internal/slack"}
	allowed := map[string]bool{mod + "internal/gh": true, mod + "internal/freshdesk": true, mod + "internal/slack": true, mod + "internal/wire": true}
	seen := 0
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		if allowed[p.ImportPath] {
			continue
		}
		for _, imp := range p.Imports {
			for _, c := range clients {
				if imp == c || strings.HasPrefix(imp, c) && (strings.HasSuffix(c, "/") || strings.HasPrefix(imp[len(c):], "/")) {
					t.Errorf("%s imports %s: only the adapters and internal/wire may", p.ImportPath, imp)
				}
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list listed %d packages", seen)
	}
}
