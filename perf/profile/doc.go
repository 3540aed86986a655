// Package profile captures CPU profiles of the server under test and turns
// them into evidence for a failed gate: folded stacks for flame graphs and a
// per-function differential between two phases.
//
// Two sources are supported. A Go server that imports net/http/pprof is
// profiled over HTTP (CaptureGo). Any other process is profiled with Linux
// perf (CapturePerf), whose output is converted into the same
// github.com/google/pprof/profile type, so everything after capture works
// on one type.
package profile
