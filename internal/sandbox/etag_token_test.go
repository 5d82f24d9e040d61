package sandbox

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Issue #25, fact 2: GitHub's ETags are specific to the token that read
// them (GitHub support, quoted in eclipse-csi/otterdog#201;
// github/docs#34689). A conditional read with another token's ETag is
// answered 200 with the body, not 304.
func TestAnETagBelongsToItsToken(t *testing.T) {
	g := NewGitHub(GitHubOptions{Tokens: map[string]string{"a": "steward-bot", "b": "steward-bot"}, Clock: NewManualClock(t0)})
	g.AddRepo("acme", "support", "main", nil)
	g.CreateIssue("acme", "support", "ada", "t", "", "support")
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	get := func(token, etag string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/repos/acme/support/issues?labels=support&state=all", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	first := get("a", "")
	etag := first.Header.Get("ETag")
	if etag == "" || get("a", etag).StatusCode != http.StatusNotModified {
		t.Fatalf("the same token's conditional read is not a 304 (ETag %q)", etag)
	}
	if other := get("b", etag); other.StatusCode != http.StatusOK || other.Header.Get("ETag") == etag {
		t.Errorf("another token's read with that ETag: %d, ETag %q", other.StatusCode, other.Header.Get("ETag"))
	}
}
