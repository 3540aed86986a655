package main

import "slices"

// rrfOffset is the k of reciprocal rank fusion, score = Σ 1/(k + rank). 60 is
// the usual default (the RRF rerankers of LanceDB and LangChain4j use it).
// It keeps the first few ranks of one list from outweighing agreement
// between both lists.
const rrfOffset = 60

// blendedHit is one blended recall result.
type blendedHit struct {
	hit
	Fused float64 // reciprocal rank fusion score
}

// blend merges two rankings of the same episodes with reciprocal rank
// fusion and returns the best k. The episodic ranking is the order of
// episodic, by the episode's own similarity to the cue. The semantic ranking
// orders those episodes by the rank of their concept in concepts, so an
// episode from a concept close to the cue moves up. An episode without a
// concept, or whose concept is missing from concepts, gets only its
// episodic term. Ties keep the episodic order.
func blend(episodic []hit, concepts []conceptHit, k int) []blendedHit {
	conceptRank := make(map[int]int, len(concepts))
	for rank, c := range concepts {
		conceptRank[c.Index] = rank + 1
	}

	// Episodes of the same concept share a semantic rank, so the semantic
	// list has ties. Its rank is dense: the position of the concept.
	fused := make([]blendedHit, len(episodic))
	for i, h := range episodic {
		score := 1.0 / float64(rrfOffset+i+1)
		if rank, ok := conceptRank[h.Concept]; ok {
			score += 1.0 / float64(rrfOffset+rank)
		}
		fused[i] = blendedHit{hit: h, Fused: score}
	}

	slices.SortStableFunc(fused, func(a, b blendedHit) int {
		switch {
		case a.Fused > b.Fused:
			return -1
		case a.Fused < b.Fused:
			return 1
		}
		return 0
	})

	return fused[:min(k, len(fused))]
}
