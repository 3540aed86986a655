//go:build !linux

package workflow

// askForSignalOnParentExit does nothing outside Linux; watchParent's
// polling still notices an orphaned run.
func askForSignalOnParentExit() {}
