package migrations

import (
	"testing"

	"github.com/vega-ai/vega/internal/pgtest"
)

// TestMain runs the tests once (the PostgreSQL tests open their own
// databases, so the package is not run twice as pgtest.Main would) and stops
// the throwaway PostgreSQL cluster if a test started one.
func TestMain(m *testing.M) { pgtest.Run(m) }
