package main

import (
	"container/list"
	"sync"
	"time"
)

// noConcept marks an episode that was stored without dual memory.
const noConcept = -1

// episode is one stored memory. Its embedding lives only in the working set,
// so an episode that has left the working set keeps its metadata but can no
// longer be recalled by similarity.
type episode struct {
	id         string
	content    string
	confidence float64
	storedAt   time.Time
	concept    int // index into the concept set, or noConcept

	slot  int           // working-set slot, or -1 after the slot was reused
	order *list.Element // position in storeOrder, for eviction
}

// episodeView is a copy of an episode that callers may keep after the lock
// is released.
type episodeView struct {
	ID           string
	Content      string
	Confidence   float64
	StoredAt     time.Time
	InWorkingSet bool
}

// hit is one recall result.
type hit struct {
	ID      string
	Content string
	Score   float32 // cosine similarity of cue and episode
	Concept int
}

// storeConfig sizes a store. All fields must be positive.
type storeConfig struct {
	Dim         int
	WorkingSet  int // episodes that can be recalled by similarity
	MaxEpisodes int // episodes retrievable by id before the oldest is evicted
	Candidates  int // sketch matches re-ranked with full vectors per recall
}

// store keeps every episode by id and the most recent WorkingSet of them in
// a ring of slots for similarity recall. Slot i owns vectors[i*dim:] (the
// unit-length embedding) and sketches[i*words:] (its SimHash sketch), laid
// out contiguously so that a recall scans memory in order.
//
// One RWMutex guards everything. Recalls hold the read lock for one sketch
// scan and one re-rank, about 0.3 ms at the defaults, and stores hold the
// write lock only to copy a precomputed vector and sketch into a slot.
type store struct {
	cfg      storeConfig
	sketcher *sketcher
	scratch  sync.Pool // *recallScratch

	mu         sync.RWMutex
	episodes   map[string]*episode
	storeOrder *list.List // *episode, oldest first
	vectors    []float32
	sketches   []uint64
	owners     []*episode // nil for a slot that is empty or was invalidated
	next       int        // slot that the next store overwrites
	filled     int        // slots written at least once
	live       int        // slots with an owner
}

// recallScratch contains the per-recall buffers, reused through a sync.Pool so
// that a recall allocates only its result.
type recallScratch struct {
	unit       []float32 // padded cue for the sketcher
	sketch     []uint64
	dist       []uint16
	hist       []int32
	candidates []int32
}

func newStore(cfg storeConfig) *store {
	sk := newSketcher(cfg.Dim)
	s := &store{
		cfg:        cfg,
		sketcher:   sk,
		episodes:   make(map[string]*episode),
		storeOrder: list.New(),
		vectors:    make([]float32, cfg.WorkingSet*cfg.Dim),
		sketches:   make([]uint64, cfg.WorkingSet*sk.words),
		owners:     make([]*episode, cfg.WorkingSet),
	}
	s.scratch.New = func() any {
		return &recallScratch{
			unit:   make([]float32, sk.n),
			sketch: make([]uint64, sk.words),
			dist:   make([]uint16, cfg.WorkingSet),
			hist:   make([]int32, sk.n+2),
		}
	}

	return s
}

// put stores an episode under id, replacing any episode with the same id,
// and makes it the newest member of the working set. unit must be the
// unit-length embedding of cfg.Dim elements, and put copies it. When the
// store then contains more than MaxEpisodes, put evicts the oldest episode.
func (s *store) put(id, content string, confidence float64, concept int, unit []float32) {
	sc := s.scratch.Get().(*recallScratch)
	defer s.scratch.Put(sc)
	s.sketcher.sketch(unit, sc.unit, sc.sketch)

	ep := &episode{
		id:         id,
		content:    content,
		confidence: confidence,
		storedAt:   time.Now(),
		concept:    concept,
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	if old, ok := s.episodes[id]; ok {
		s.removeLocked(old)
	}

	slot := s.next
	if prev := s.owners[slot]; prev != nil {
		// The oldest slot is reused, so its episode leaves the working
		// set but stays retrievable by id.
		prev.slot = -1
		s.live--
	}
	copy(s.vectors[slot*s.cfg.Dim:(slot+1)*s.cfg.Dim], unit)
	copy(s.sketches[slot*s.sketcher.words:(slot+1)*s.sketcher.words], sc.sketch)
	s.owners[slot] = ep
	s.live++
	ep.slot = slot
	s.next = (slot + 1) % s.cfg.WorkingSet
	s.filled = max(s.filled, slot+1)

	ep.order = s.storeOrder.PushBack(ep)
	s.episodes[id] = ep

	for len(s.episodes) > s.cfg.MaxEpisodes {
		s.removeLocked(s.storeOrder.Front().Value.(*episode))
	}
}

// removeLocked deletes ep from the id map, the eviction order and, if it
// still owns one, its working-set slot. The slot stays empty until the ring
// comes round to it.
func (s *store) removeLocked(ep *episode) {
	delete(s.episodes, ep.id)
	s.storeOrder.Remove(ep.order)
	if ep.slot >= 0 {
		s.owners[ep.slot] = nil
		s.live--
		ep.slot = -1
	}
}

// get returns the episode stored under id.
func (s *store) get(id string) (episodeView, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	ep, ok := s.episodes[id]
	if !ok {
		return episodeView{}, false
	}

	return episodeView{
		ID:           ep.id,
		Content:      ep.content,
		Confidence:   ep.confidence,
		StoredAt:     ep.storedAt,
		InWorkingSet: ep.slot >= 0,
	}, true
}

// len returns the number of episodes retrievable by id.
func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()

	return len(s.episodes)
}

// workingSetLen returns the number of episodes that recall can return.
func (s *store) workingSetLen() int {
	s.mu.RLock()
	defer s.mu.RUnlock()

	return s.live
}
