package gh

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"
)

// File is one file of a repository at a ref.
type File struct {
	Content string
	// SHA is the blob's, for an update that must not overwrite a newer
	// version.
	SHA string
}

// File reads path in owner/repo at ref ("" is the default branch). A
// missing file is found false with no error.
func (c *Client) File(ctx context.Context, owner, repo, path, ref string) (f File, found bool, err error) {
	got, _, resp, err := c.REST.Repositories.GetContents(ctx, owner, repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return File{}, false, nil
	}
	if err != nil {
		return File{}, false, fmt.Errorf("reading %s/%s:%s at %q: %w", owner, repo, path, ref, err)
	}
	if got == nil {
		return File{}, false, fmt.Errorf("%s/%s:%s is a directory, not a file", owner, repo, path)
	}
	content, err := got.GetContent()
	if err != nil {
		return File{}, false, fmt.Errorf("reading %s/%s:%s: %w", owner, repo, path, err)
	}
	return File{Content: content, SHA: got.GetSHA()}, true, nil
}
