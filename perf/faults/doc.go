// Package faults holds the fault suite of the workflow and no other code.
// Its tests break the server under test, the run and the input on purpose,
// and check that the workflow never hangs, never leaves a process running
// and never loses a measurement:
//
//   - server_test.go: a server that fails to build, exits at start, never
//     becomes healthy, crashes, hangs or answers too slowly, and a port
//     that another process holds.
//   - run_test.go: SIGINT and SIGTERM to a compiled magefile binary
//     during the load, also with a server that is slow to stop, Ctrl-C
//     during the build, two runs on one results folder, a stale lock, and
//     a results folder that is not writable or whose disk is full.
//   - input_test.go: invalid task ids, scenario files, result files and
//     PERF_* variables, each through the public entry points.
//
// TestMain fails the suite when a process that the tests started is still
// running at the end.
package faults
