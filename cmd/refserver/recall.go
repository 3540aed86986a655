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
// below the candidate cut-off is missed. When the working set holds no more
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

	top := make([]rankedSlot, 0, k)
	for _, slot := range sc.candidates {
		score := dot(cue, s.vectors[int(slot)*dim:(int(slot)+1)*dim])
		top = insertTop(top, k, rankedSlot{slot: slot, score: score})
	}

	hits := make([]hit, len(top))
	for i, r := range top {
		ep := s.owners[r.slot]
		hits[i] = hit{ID: ep.id, Content: ep.content, Score: r.score, Concept: ep.concept}
	}

	return hits
}

// insertTop inserts r into top, which is sorted by descending score and
// holds at most k entries, and returns the updated slice. An entry that ties
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
