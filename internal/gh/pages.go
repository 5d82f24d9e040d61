package gh

import "github.com/google/go-github/v60/github"

// All pages through a go-github list: fetch gets the page to ask for, from
// 1 until GitHub's Link header names no next page. Each page is a
// conditional read through the client's transport.
func All[T any](fetch func(page int) ([]T, *github.Response, error)) ([]T, error) {
	var out []T
	for page := 1; ; {
		items, resp, err := fetch(page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if resp == nil || resp.NextPage == 0 {
			return out, nil
		}
		page = resp.NextPage
	}
}
