//go:build mage

package main

import "github.com/m17/perfgate/perf/config"

// perfConfig is the workflow's configuration. The defaults build and start
// the reference server in cmd/refserver. To measure your own server, change
// the fields here, for example:
//
//	c.Server.Name = "graphdb"
//	c.Server.BuildCmd = []string{"cargo", "build", "--release"}
//	c.Server.Binary = "target/release/graphdb"
//	c.Server.Args = []string{"--port", "7432"}
//	c.Server.GoPprof = false // not a Go server: profiles need Linux perf
//
// PERF_* environment variables override it for one run (see README).
func perfConfig() config.Config {
	c := config.Default()
	return c
}
