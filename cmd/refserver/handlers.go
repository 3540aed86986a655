package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

const (
	defaultK = 10
	maxK     = 100

	// maxIDBytes bounds an id so that ids cannot dominate the memory of
	// max-episodes entries.
	maxIDBytes = 256
)

// errDualMemoryOff is the 501 message of semantic and blended recall.
var errDualMemoryOff = errors.New("semantic and blended recall are disabled; start the server with -dual-memory")

// readBody reads the request body into a pooled buffer, which the caller
// returns with s.bodies.Put once it no longer needs the bytes.
func (s *server) readBody(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, error) {
	buf := s.bodies.Get().(*bytes.Buffer)
	buf.Reset()

	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err == nil {
		return buf, nil
	}
	s.bodies.Put(buf)

	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("body: larger than %d bytes; send a smaller request", tooLarge.Limit)
	}
	return nil, fmt.Errorf("body: read failed: %w", err)
}

func (s *server) handleStore(w http.ResponseWriter, r *http.Request) {
	buf, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err)
		return
	}
	req := storeRequest{Embedding: make([]float32, 0, s.cfg.Store.Dim)}
	err = decodeStoreRequest(buf.Bytes(), &req)
	s.bodies.Put(buf)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err)
		return
	}

	if err := s.validateStore(&req); err != nil {
		s.writeError(w, r, http.StatusBadRequest, err)
		return
	}

	unit := req.Embedding
	if !normalize(unit) {
		s.writeError(w, r, http.StatusBadRequest, errors.New("embedding: zero vector has no direction; send a non-zero vector"))
		return
	}

	concept := noConcept
	if s.concepts != nil {
		concept = s.concepts.add(unit, req.Content)
	}
	s.store.put(req.ID, req.Content, *req.Confidence, concept, unit)

	w.Header().Set("Location", "/api/v1/episodes/"+req.ID)
	s.writeJSON(w, http.StatusCreated, struct {
		ID string `json:"id"`
	}{req.ID})
}

// validateStore checks every field except the embedding's direction, and
// names the first invalid field.
func (s *server) validateStore(req *storeRequest) error {
	switch {
	case req.ID == "":
		return errors.New("id: missing; send a non-empty string")
	case len(req.ID) > maxIDBytes:
		return fmt.Errorf("id: %d bytes long; send at most %d", len(req.ID), maxIDBytes)
	case strings.Contains(req.ID, "/"):
		return fmt.Errorf("id: %q contains '/', which GET /api/v1/episodes/{id} cannot address; remove it", req.ID)
	case req.Confidence == nil:
		return errors.New("confidence: missing; send a number in [0, 1]")
	case !(*req.Confidence >= 0 && *req.Confidence <= 1):
		return fmt.Errorf("confidence: %g is outside [0, 1]", *req.Confidence)
	}

	return checkVector("embedding", req.Embedding, s.cfg.Store.Dim)
}

// checkVector checks the length of an embedding or cue. Its elements are
// finite because decoding rejects numbers outside the float32 range.
func checkVector(field string, v []float32, dim int) error {
	if len(v) == 0 {
		return fmt.Errorf("%s: missing; send an array of %d numbers", field, dim)
	}
	if len(v) != dim {
		return fmt.Errorf("%s: length %d, but the server expects %d (set by -dim)", field, len(v), dim)
	}

	return nil
}

type episodeResponse struct {
	ID           string    `json:"id"`
	Content      string    `json:"content"`
	Confidence   float64   `json:"confidence"`
	StoredAt     time.Time `json:"stored_at"`
	InWorkingSet bool      `json:"in_working_set"`
}

func (s *server) handleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ep, ok := s.store.get(id)
	if !ok {
		s.writeError(w, r, http.StatusNotFound, fmt.Errorf("id: no episode %q; it was never stored or has been evicted", id))
		return
	}

	s.writeJSON(w, http.StatusOK, episodeResponse(ep))
}

// resultJSON is one recall result. Members is set for concepts and Concept
// for blended results.
type resultJSON struct {
	ID      string  `json:"id"`
	Score   float64 `json:"score"`
	Content string  `json:"content"`
	Members int     `json:"members,omitempty"`
	Concept string  `json:"concept,omitempty"`
}

type recallResponse struct {
	Results []resultJSON `json:"results"`
}

// decodeRecall reads and validates a recall body and returns the unit cue
// and k. On error it has already written the 400 response.
func (s *server) decodeRecall(w http.ResponseWriter, r *http.Request) (cue []float32, k int, ok bool) {
	buf, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err)
		return nil, 0, false
	}
	req := recallRequest{Cue: make([]float32, 0, s.cfg.Store.Dim)}
	err = decodeRecallRequest(buf.Bytes(), &req)
	s.bodies.Put(buf)
	if err == nil {
		err = checkVector("cue", req.Cue, s.cfg.Store.Dim)
	}
	if err == nil && !normalize(req.Cue) {
		err = errors.New("cue: zero vector has no direction; send a non-zero vector")
	}

	k = defaultK
	if err == nil && req.K != nil {
		k = *req.K
		if k < 1 || k > maxK {
			err = fmt.Errorf("k: %d is outside [1, %d]", k, maxK)
		}
	}

	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err)
		return nil, 0, false
	}

	return req.Cue, k, true
}

func (s *server) handleRecallEpisodic(w http.ResponseWriter, r *http.Request) {
	cue, k, ok := s.decodeRecall(w, r)
	if !ok {
		return
	}

	hits := s.store.recall(cue, k)
	resp := recallResponse{Results: make([]resultJSON, len(hits))}
	for i, h := range hits {
		resp.Results[i] = resultJSON{ID: h.ID, Score: roundScore(float64(h.Score)), Content: h.Content}
	}

	s.writeJSON(w, http.StatusOK, resp)
}

func (s *server) handleRecallSemantic(w http.ResponseWriter, r *http.Request) {
	if s.concepts == nil {
		s.writeError(w, r, http.StatusNotImplemented, errDualMemoryOff)
		return
	}
	cue, k, ok := s.decodeRecall(w, r)
	if !ok {
		return
	}

	hits := s.concepts.recall(cue, k)
	resp := recallResponse{Results: make([]resultJSON, len(hits))}
	for i, h := range hits {
		resp.Results[i] = resultJSON{
			ID:      conceptID(h.Index),
			Score:   roundScore(float64(h.Score)),
			Content: h.Content,
			Members: h.Members,
		}
	}

	s.writeJSON(w, http.StatusOK, resp)
}

// handleRecallBlended fuses the episodic top maxK with the concept ranking,
// so that k does not change which episodes compete.
func (s *server) handleRecallBlended(w http.ResponseWriter, r *http.Request) {
	if s.concepts == nil {
		s.writeError(w, r, http.StatusNotImplemented, errDualMemoryOff)
		return
	}
	cue, k, ok := s.decodeRecall(w, r)
	if !ok {
		return
	}

	episodic := s.store.recall(cue, maxK)
	concepts := s.concepts.recall(cue, s.cfg.Concepts)
	hits := blend(episodic, concepts, k)

	resp := recallResponse{Results: make([]resultJSON, len(hits))}
	for i, h := range hits {
		resp.Results[i] = resultJSON{
			ID:      h.ID,
			Score:   roundScore(h.Fused),
			Content: h.Content,
		}
		if h.Concept != noConcept {
			resp.Results[i].Concept = conceptID(h.Concept)
		}
	}

	s.writeJSON(w, http.StatusOK, resp)
}

// roundScore rounds to six decimals, so that a float32 score prints as
// 0.93 rather than 0.9300000071525574.
func roundScore(x float64) float64 {
	return math.Round(x*1e6) / 1e6
}
