//go:build mage

package main

import "context"

// Flamegraph profiles the server under the task's load; the same as perf:flamegraph.
//
// See perf:flamegraph for what it runs and writes.
func Flamegraph(ctx context.Context, task string) error {
	return Perf{}.Flamegraph(ctx, task)
}
