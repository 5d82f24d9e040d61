package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/sandbox"
)

// `steward report` reads FreshDesk and prints the support health report
// in each format; JSON is the documented contract. Its reads are cached
// in STEWARD_CACHE_DIR.
func TestReportCommand(t *testing.T) {
	now := systemNow()
	clock := sandbox.NewManualClock(now)
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "fd-secret-key", Clock: clock})
	fd.AddCompany(sandbox.FDCompany{ID: 1, Name: "Example <b>Hub</b>"})
	for i := range 6 {
		created := now.Add(-time.Duration(24*(i+1)) * time.Hour)
		clock.Set(created)
		id := fd.AddTicket(sandbox.FDTicket{Subject: "Help", Priority: 1 + i%4, CompanyID: 1, CreatedAt: created})
		clock.Set(created.Add(time.Hour))
		fd.AgentReply(id, "<p>On it.</p>")
	}
	clock.Set(now)
	srv := httptest.NewServer(fd)
	defer srv.Close()
	dir := t.TempDir()
	rosterPath := filepath.Join(dir, "roster.yaml")
	os.WriteFile(rosterPath, []byte(syncRoster), 0o644)
	cache := filepath.Join(dir, "cache")
	vars := map[string]string{"FRESHDESK_BASE_URL": srv.URL, "FRESHDESK_API_KEY": "fd-secret-key", "STEWARD_CACHE_DIR": cache}
	run1 := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(args, "--roster", rosterPath), env{stdout: &out, stderr: &errb, now: systemNow, getenv: func(k string) string { return vars[k] }})
		return out.String(), errb.String(), code
	}

	out, errs, code := run1("report", "--format", "json", "--since", "4w")
	var rep struct {
		Version int
		Weeks   []json.RawMessage
		Total   struct {
			Received struct{ Total int }
		}
		Hubs []struct{ Name string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("json: exit %d\n%s%s", code, out, errs)
	}
	if rep.Version != health.FormatVersion || len(rep.Weeks) != 4 || rep.Total.Received.Total == 0 || len(rep.Hubs) != 1 || rep.Hubs[0].Name != "Example <b>Hub</b>" {
		t.Errorf("report: %s", out)
	}
	if strings.Contains(out+errs, "fd-secret-key") {
		t.Error("the API key reached the output")
	}
	// The team page shows the scheduled run's report: a report of another
	// window (or a replayed day) does not replace it; the replies it read
	// are kept.
	if _, ok, _ := health.LoadReport(cache); ok {
		t.Error("steward report replaced the team page's report")
	}
	if _, err := os.Stat(filepath.Join(cache, health.CacheFile)); err != nil {
		t.Errorf("the reply cache was not kept: %v", err)
	}
	for format, want := range map[string]string{
		"text":     "FIRST RESPONSE ON TIME",
		"markdown": "```mermaid",
		"html":     "<svg",
	} {
		out, errs, code := run1("report", "--format", format)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, want %q in\n%s%s", format, code, want, out, errs)
		}
		if format == "html" && (strings.Contains(out, "<b>Hub") || strings.Contains(out, "<script")) {
			t.Errorf("html: a hub's name is markup, or there is a script")
		}
	}
	for _, bad := range [][]string{{"--since", "0w"}, {"--since", "12d"}, {"--since", "105w"}, {"--since", "+3w"}, {"--format", "pdf"}} {
		if _, errs, code := run1(append([]string{"report"}, bad...)...); code != exitUsage || !strings.Contains(errs, bad[0]) {
			t.Errorf("%v: exit %d\n%s", bad, code, errs)
		}
	}
	delete(vars, "FRESHDESK_API_KEY")
	if _, errs, code := run1("report"); code == 0 || !strings.Contains(errs, "FRESHDESK_API_KEY") {
		t.Errorf("without a key: exit %d\n%s", code, errs)
	}
}
