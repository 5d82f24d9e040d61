package gh

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/port"
)

// Repo is one repository behind port.Repo (contents and branches here,
// pull requests, comments and checks in pulls.go) and port.AssignedIssues.
type Repo struct {
	C           *Client
	Owner, Name string
}

var (
	_ port.Repo           = Repo{}
	_ port.AssignedIssues = Repo{}
)

// RepoOf is the repository named owner/name.
func RepoOf(c *Client, fullName string) Repo {
	owner, name, _ := strings.Cut(fullName, "/")
	return Repo{C: c, Owner: owner, Name: name}
}

// File reads path in owner/repo at ref ("" is the default branch). A
// missing file is found false with no error.
func (c *Client) File(ctx context.Context, owner, repo, path, ref string) (f port.File, found bool, err error) {
	got, _, resp, err := c.rest.Repositories.GetContents(ctx, owner, repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return port.File{}, false, nil
	}
	if err != nil {
		return port.File{}, false, fmt.Errorf("reading %s at %s: %w", path, ref, err)
	}
	if got == nil {
		return port.File{}, false, fmt.Errorf("%s/%s:%s is a directory, not a file", owner, repo, path)
	}
	content, err := got.GetContent()
	if err != nil {
		return port.File{}, false, fmt.Errorf("reading %s/%s:%s: %w", owner, repo, path, err)
	}
	return port.File{Content: content, SHA: got.GetSHA()}, true, nil
}

// DefaultBranch implements port.Repo.
func (r Repo) DefaultBranch(ctx context.Context) (string, error) {
	repo, _, err := r.C.rest.Repositories.Get(ctx, r.Owner, r.Name)
	if err != nil {
		return "", fmt.Errorf("reading %s/%s: %w", r.Owner, r.Name, err)
	}
	return repo.GetDefaultBranch(), nil
}

// Head implements port.Repo.
func (r Repo) Head(ctx context.Context, branch string) (string, error) {
	ref, _, err := r.C.rest.Git.GetRef(ctx, r.Owner, r.Name, "heads/"+branch)
	if err != nil {
		return "", fmt.Errorf("reading branch %s: %w", branch, err)
	}
	return ref.GetObject().GetSHA(), nil
}

// File implements port.Repo.
func (r Repo) File(ctx context.Context, path, ref string) (port.File, bool, error) {
	return r.C.File(ctx, r.Owner, r.Name, path, ref)
}

// PutFile implements port.Repo.
func (r Repo) PutFile(ctx context.Context, branch, path string, content []byte, sha, message string) error {
	opts := &github.RepositoryContentFileOptions{Message: github.String(message), Content: content, Branch: github.String(branch)}
	if sha != "" {
		opts.SHA = github.String(sha)
	}
	if _, _, err := r.C.rest.Repositories.UpdateFile(ctx, r.Owner, r.Name, path, opts); err != nil {
		return fmt.Errorf("committing %s to %s: %w", path, branch, err)
	}
	return nil
}

func branchRef(branch, sha string) *github.Reference {
	return &github.Reference{Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(sha)}}
}

// CreateBranch implements port.Repo.
func (r Repo) CreateBranch(ctx context.Context, branch, sha string) error {
	if _, _, err := r.C.rest.Git.CreateRef(ctx, r.Owner, r.Name, branchRef(branch, sha)); err != nil {
		return fmt.Errorf("creating branch %s: %w", branch, err)
	}
	return nil
}

// MoveBranch implements port.Repo.
func (r Repo) MoveBranch(ctx context.Context, branch, sha string) error {
	if _, _, err := r.C.rest.Git.UpdateRef(ctx, r.Owner, r.Name, branchRef(branch, sha), true); err != nil {
		return fmt.Errorf("moving branch %s: %w", branch, err)
	}
	return nil
}
