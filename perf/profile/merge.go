package profile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/google/pprof/profile"

	"github.com/m17/perfgate/perf/result"
)

// Merge combines the profiles of several trials into one with
// profile.Merge: identical stacks add up. The profiles must have the same
// sample types, so a Go profile and a perf profile cannot be merged.
func Merge(ps []*profile.Profile) (*profile.Profile, error) {
	if len(ps) == 0 {
		return nil, errors.New("merge profiles: no profiles given; capture at least one")
	}
	srcs := make([]*profile.Profile, len(ps))
	for i, p := range ps {
		if p == nil {
			return nil, fmt.Errorf("merge profiles: profile %d of %d is nil; drop trials whose capture failed", i+1, len(ps))
		}
		if err := p.CheckValid(); err != nil {
			return nil, fmt.Errorf("merge profiles: profile %d of %d is invalid: %w", i+1, len(ps), err)
		}
		if slices.Contains(p.SampleType, nil) {
			return nil, fmt.Errorf("merge profiles: profile %d of %d has a nil sample type", i+1, len(ps))
		}
		srcs[i] = p
		if p.PeriodType == nil {
			// profile.Merge dereferences PeriodType, so give a copy an
			// empty one rather than change the caller's profile.
			srcs[i] = p.Copy()
			srcs[i].PeriodType = &profile.ValueType{}
		}
	}
	merged, err := profile.Merge(srcs)
	if err != nil {
		return nil, fmt.Errorf("merge %d profiles: %w; merge only profiles of one kind (Go pprof or Linux perf)", len(ps), err)
	}
	return merged, nil
}

// Write stores p at path as a gzipped pprof protobuf (the .pb.gz form that
// `go tool pprof` reads), atomically.
func Write(path string, p *profile.Profile) error {
	if p == nil {
		return fmt.Errorf("write profile %s: profile is nil", path)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return fmt.Errorf("encode profile for %s: %w", path, err)
	}
	return result.WriteFile(path, buf.Bytes())
}
