// Package localgit reads files as they are at a ref in the local git
// checkout, so a roster check in a pull request needs no credentials.
package localgit

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// File reads path as it is at ref in the local git checkout (the
// working directory), so a roster check needs no credentials. ref may be a
// commit, a branch, or a branch only the remote has (origin/REF is tried
// too, as a pull request's checkout has it). found is false when the ref
// exists but the file is not in it.
func File(ctx context.Context, ref, path string) (data []byte, found bool, err error) {
	var commit string
	for _, r := range []string{ref, "origin/" + strings.TrimPrefix(ref, "refs/heads/")} {
		out, err := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", r+"^{commit}").Output()
		if err == nil {
			commit = strings.TrimSpace(string(out))
			break
		}
	}
	if commit == "" {
		return nil, false, fmt.Errorf("git: %q is not a commit or branch in this checkout (fetch it, e.g. actions/checkout with fetch-depth: 0)", ref)
	}
	if filepath.IsAbs(path) {
		top, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			return nil, false, fmt.Errorf("git: %s is not in a git checkout", path)
		}
		if path, err = filepath.Rel(strings.TrimSpace(string(top)), path); err != nil {
			return nil, false, err
		}
	}
	path = "./" + filepath.ToSlash(path)
	obj := commit + ":" + path
	if exec.CommandContext(ctx, "git", "cat-file", "-e", obj).Run() != nil {
		return nil, false, nil
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "show", obj)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, false, fmt.Errorf("git show %s: %v %s", obj, err, strings.TrimSpace(stderr.String()))
	}
	return out, true, nil
}
