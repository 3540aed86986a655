package main

// rankedSlot is a working-set slot with its cosine similarity to a cue.
type rankedSlot struct {
	slot  int32
	score float32
}

// recall returns up to k episodes of the working set ranked by cosine
// similarity to cue, best first. cue must be unit length with cfg.Dim
// elements.
//
// The search has two stages. A Hamming scan over all sketches picks the
// cfg.Candidates slots whose sketches are closest to the cue's, and only
// those are re-ranked with exact dot products of the full vectors. The
// result is therefore approximate: a true neighbour whose sketch ranks
// below the candidate cut-off is missed. When the working set contains no more
// than max(k, cfg.Candidates) episodes, every episode is re-ranked and the
// result is exact.
func (s *store) recall(cue []float32, k int) []hit {
	if k <= 0 {
		return []hit{}
	}

	sc := s.scratch.Get().(*recallScratch)
	defer s.scratch.Put(sc)
	s.sketcher.sketch(cue, sc.unit, sc.sketch)
	want := max(s.cfg.Candidates, k)
	words := s.sketcher.words
	dim := s.cfg.Dim

	s.mu.RLock()
	defer s.mu.RUnlock()

	// An empty or invalidated slot gets a distance one above the largest
	// possible, which selectNearest skips.
	dead := uint16(s.sketcher.n + 1)
	dist := sc.dist[:s.filled]
	for i := range dist {
		if s.owners[i] == nil {
			dist[i] = dead
			continue
		}
		dist[i] = uint16(hamming(sc.sketch, s.sketches[i*words:(i+1)*words]))
	}
	sc.candidates = selectNearest(sc.candidates[:0], dist, dead, want, sc.hist)

	// Candidates are re-ranked four at a time so that their cache misses
	// overlap, see dot4.
	top := make([]rankedSlot, 0, k)
	row := func(slot int32) []float32 { return s.vectors[int(slot)*dim : (int(slot)+1)*dim] }
	candidates := sc.candidates
	for len(candidates) >= 4 {
		c := candidates[:4]
		s0, s1, s2, s3 := dot4(cue, row(c[0]), row(c[1]), row(c[2]), row(c[3]))
		top = insertTop(top, k, rankedSlot{slot: c[0], score: s0})
		top = insertTop(top, k, rankedSlot{slot: c[1], score: s1})
		top = insertTop(top, k, rankedSlot{slot: c[2], score: s2})
		top = insertTop(top, k, rankedSlot{slot: c[3], score: s3})
		candidates = candidates[4:]
	}
	for _, slot := range candidates {
		top = insertTop(top, k, rankedSlot{slot: slot, score: dot(cue, row(slot))})
	}

	hits := make([]hit, len(top))
	for i, r := range top {
		ep := s.owners[r.slot]
		hits[i] = hit{ID: ep.id, Content: ep.content, Score: r.score, Concept: ep.concept}
	}

	return hits
}

// insertTop inserts r into top, which is sorted by descending score and
// has at most k entries, and returns the updated slice. An entry that ties
// the current k-th score is not inserted, so earlier candidates win ties.
func insertTop(top []rankedSlot, k int, r rankedSlot) []rankedSlot {
	switch {
	case len(top) < k:
		top = append(top, r)
	case r.score > top[k-1].score:
		top[k-1] = r
	default:
		return top
	}

	for j := len(top) - 1; j > 0 && top[j].score > top[j-1].score; j-- {
		top[j], top[j-1] = top[j-1], top[j]
	}

	return top
}
