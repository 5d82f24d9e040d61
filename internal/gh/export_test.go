package gh

import "github.com/google/go-github/v60/github"

// RESTOf is the client's go-github client, for gh's tests only: outside
// this package GitHub is reached through the ports.
func RESTOf(c *Client) *github.Client { return c.rest }
