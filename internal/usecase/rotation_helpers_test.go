package usecase_test

import (
	"context"
	"testing"

	"github.com/google/go-github/v60/github"
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
	ctx := context.Background()
	f, _, _, err := w.ghc.REST.Repositories.GetContents(ctx, "open-infra", "support", "roster.yaml", &github.RepositoryContentGetOptions{Ref: branch})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.ghc.REST.Repositories.UpdateFile(ctx, "open-infra", "support", "roster.yaml", &github.RepositoryContentFileOptions{
		Message: github.String("swap"), Content: []byte(content), SHA: f.SHA, Branch: github.String(branch)}); err != nil {
		t.Fatal(err)
	}
}
