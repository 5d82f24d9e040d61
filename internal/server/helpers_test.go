package server

import (
	"os"

	"github.com/support-steward/steward/internal/roster"
)

func mustRoster() *roster.Roster {
	data, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		panic(err)
	}
	r, probs := roster.Parse("roster.yaml", data)
	if r == nil {
		panic(probs)
	}
	return r
}
