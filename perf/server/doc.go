// Package server manages the lifecycle of the server under test: it builds
// the server, checks that its port is free, starts it in its own process
// group, waits for its health endpoint, captures its output and stops it.
//
// The aim is that no run leaves a process behind. Every signal goes to the
// whole process group, so children that the server spawns stop with it, and
// a server that exits on its own takes its group down with it. Start cleans
// up after itself on every error, and StopAll stops whatever is still running
// for signal handlers and deferred cleanup.
//
// The package targets Linux. It finds port owners through /proc and sets
// Pdeathsig so that the kernel kills the server when the harness dies.
package server
