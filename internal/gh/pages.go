package gh

import (
	"strconv"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/httpx"
)

// All pages through a go-github list: fetch gets the page to ask for, from
// 1 until GitHub's Link header names no next page. Each page is a
// conditional read through the client's transport. A next page that was
// read already, or more than httpx.DefaultMaxPages pages, ends the list
// with a *httpx.PaginationError.
func All[T any](fetch func(page int) ([]T, *github.Response, error)) ([]T, error) {
	return AllPages(httpx.DefaultMaxPages, fetch)
}

// AllPages is All with its own cap on pages.
func AllPages[T any](maxPages int, fetch func(page int) ([]T, *github.Response, error)) ([]T, error) {
	var out []T
	guard := httpx.Pager{Service: "GitHub", What: "a list", Max: maxPages}
	for page := 1; ; {
		if err := guard.Next("page " + strconv.Itoa(page)); err != nil {
			return nil, err
		}
		items, resp, err := fetch(page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if resp == nil || resp.NextPage == 0 {
			return out, nil
		}
		if resp.Response != nil && resp.Request != nil {
			guard.What = resp.Request.URL.Path
		}
		page = resp.NextPage
	}
}
