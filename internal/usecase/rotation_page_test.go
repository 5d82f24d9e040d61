package usecase_test

import (
	"context"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/sandbox"
)

func TestRotationPullRequestRegeneratesThePage(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	w.rot.Repo.PagePath = "docs/support-stewards.html"
	ctx := context.Background()
	res, err := w.rot.Rotate(ctx, false)
	if err != nil || !res.Created {
		t.Fatalf("%+v %v", res, err)
	}
	html, ok := w.g.File("open-infra", "support", "steward/rotation-2026-12-07", "docs/support-stewards.html")
	if !ok {
		t.Fatal("no page on the rotation branch")
	}
	for _, want := range []string{
		"<!doctype html>",
		// As of the handoff, with the proposed shift confirmed.
		`<time datetime="2026-12-07">Mon 7 Dec 2026</time>`,
		`data-handle="ada-l" data-status="confirmed"`,
		// The calendar the same pull request writes, relative to the page.
		`href="../calendar/support-stewards.ics"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}

	// The same proposal again writes nothing: the page's bytes are stable.
	w.g.Ledger().Reset()
	if res, err := w.rot.Rotate(ctx, false); err != nil || res.Updated {
		t.Fatalf("second run: %+v %v", res, err)
	}
	if n := w.g.Ledger().Count(sandbox.Writes); n != 0 {
		t.Errorf("the second run wrote %d times:\n%s", n, w.g.Ledger())
	}
}
