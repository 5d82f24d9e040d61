package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

const zonesRoster = `version: 1
team: Zones
timezone: Pacific/Kiritimati
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada, timezone: Europe/Berlin}
  - {name: Bob, github: bob, timezone: America/Los_Angeles}
  - {name: Cy, github: cy}
`

// A release binary (static, -trimpath, so it does not know where Go is
// installed) run where there is no zone database at all, with ZONEINFO
// unset, still resolves every zone: it carries time/tzdata. The machine
// is an empty directory the binary is chrooted into.
func TestTheReleaseBinaryResolvesZonesWithoutADatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds steward")
	}
	if runtime.GOOS != "linux" {
		t.Skip("chroot is Linux's")
	}
	// chroot needs root, or a user namespace that maps the caller to it.
	chroot := []string{"chroot"}
	if os.Geteuid() != 0 {
		if exec.Command("unshare", "--user", "--map-root-user", "true").Run() != nil {
			t.Skip("neither root nor user namespaces: cannot make a machine without a zone database")
		}
		chroot = []string{"unshare", "--user", "--map-root-user", "chroot"}
	}
	root := t.TempDir()
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(root, "steward"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(root, "roster.yaml"), []byte(zonesRoster), 0o644); err != nil {
		t.Fatal(err)
	}
	steward := func(args ...string) ([]byte, error) {
		cmd := exec.Command(chroot[0], append(append(chroot[1:], root, "/steward"), args...)...)
		// No ZONEINFO, no GOROOT: nothing points at a database elsewhere.
		// 11:00 UTC on the year's last day is already 01:00 on New Year's
		// Day in Kiritimati (UTC+14), the team's zone.
		cmd.Env = []string{"STEWARD_NOW=2026-12-31T11:00:00Z"}
		return cmd.CombinedOutput()
	}
	if out, err := steward("validate", "--roster", "/roster.yaml"); err != nil {
		t.Fatalf("validate: %v\n%s", err, out)
	}
	out, err := steward("who", "--roster", "/roster.yaml", "--format", "json")
	if err != nil {
		t.Fatalf("who: %v\n%s", err, out)
	}
	var who struct{ Date string }
	if err := json.Unmarshal(out, &who); err != nil || who.Date != "2027-01-01" {
		t.Errorf("who in Pacific/Kiritimati: date %q (%v), want 2027-01-01\n%s", who.Date, err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "usr")); err == nil {
		t.Fatal("the chroot has a /usr: the test no longer shows a machine without a zone database")
	}
}
