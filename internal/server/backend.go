package server

import (
	"context"

	"github.com/support-steward/steward/internal/wire"
)

// Backend provides the clients a delivery's work and the calendar feeds act
// with, for an installation (0: the roster repository's). wire.AppBackend
// is steward's; it builds them as the command line and the Action do.
type Backend interface {
	Clients(ctx context.Context, installation int64) (*wire.Clients, error)
}
