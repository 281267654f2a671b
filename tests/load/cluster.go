package main

import (
	"fmt"

	"github.com/vega-ai/vega/internal/pgtest"
)

// loadDatabase is the database -postgres creates in its cluster.
const loadDatabase = "vega_load"

// startCluster starts a throwaway PostgreSQL cluster for -postgres mode,
// creates loadDatabase in it and returns that database's URL and a function
// that stops the cluster and removes it. "test" is the cluster the test
// suites use (fsync, synchronous_commit and full_page_writes off);
// "durable" keeps PostgreSQL's default durability; "async" is durable with
// synchronous_commit off.
func startCluster(mode string) (string, func(), error) {
	var settings pgtest.Settings
	switch mode {
	case "test":
	case "durable":
		settings.Durable = true
	case "async":
		settings = pgtest.Settings{Durable: true, Extra: []string{"synchronous_commit=off"}}
	default:
		return "", nil, fmt.Errorf("-postgres %q: want test, durable or async", mode)
	}
	srv, err := pgtest.StartWith(settings)
	if err != nil {
		return "", nil, err
	}
	u, err := srv.CreateDatabase(loadDatabase)
	if err != nil {
		srv.Stop()
		return "", nil, err
	}
	return u, srv.Stop, nil
}
