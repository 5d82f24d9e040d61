package usecase_test

import (
	"testing"
)

func mustFile(t *testing.T, w *rotWorld, branch string) string {
	t.Helper()
	s, ok := w.g.File("open-infra", "support", branch, "roster.yaml")
	if !ok {
		t.Fatalf("no roster.yaml on %s", branch)
	}
	return s
}

func commitOn(t *testing.T, w *rotWorld, branch, content string) {
	t.Helper()
	if err := w.g.PushFiles("open-infra", "support", "ada", "main", branch, "swap", map[string]string{"roster.yaml": content}); err != nil {
		t.Fatal(err)
	}
}
