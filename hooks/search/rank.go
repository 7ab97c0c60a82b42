package search

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
)

// find prunes the common terms (see matchBudget) and ranks what the rest
// match.
func (s *snapshot) find(terms []term, limit int) []Hit {
	var hits []Hit
	for _, d := range s.score(s.prune(terms), limit) {
		hits = append(hits, s.docs[d.doc].hit)
	}
	return hits
}

// findLikeBoard returns the quotes a board search for question lists
// first, then, when they are fewer than limit, the best of the full-text
// ranking of its terms: a question typed as a search (여론, ㅇㄹ,
// 아무것도책임) grounds the lines the board shows for it, and a question
// in a sentence, which no quote contains whole, the quotes sharing its
// rarest words.
func (s *snapshot) findLikeBoard(question string, terms []term, limit int) []Hit {
	var hits []Hit
	if ps := parts(question); ps != nil {
		for _, d := range s.byRelevance(question, ps, s.matching(ps), limit) {
			hits = append(hits, s.docs[d].hit)
		}
		if len(hits) == limit {
			return hits
		}
	}
	if len(terms) == 0 {
		return hits
	}
	for _, h := range s.find(terms, limit) {
		if len(hits) == limit {
			break
		}
		if !slices.ContainsFunc(hits, func(o Hit) bool { return o.ID == h.ID }) {
			hits = append(hits, h)
		}
	}
	return hits
}

// match is a term of a question and the documents it matches.
type match struct {
	term term
	docs []posting
}

// postings is the documents one term matches: a token's list, or for a
// prefix the merged lists of every token that starts with it.
func (s *snapshot) postings(t term) []posting {
	text := fold(t.text)
	if !t.prefix {
		return s.terms[text]
	}
	from := sort.SearchStrings(s.sorted, text)
	var lists [][]posting
	for _, tok := range s.sorted[from:] {
		if !strings.HasPrefix(tok, text) {
			break
		}
		lists = append(lists, s.terms[tok])
	}
	if len(lists) == 1 {
		return lists[0]
	}
	byDoc := map[int32]posting{}
	for _, l := range lists {
		for _, p := range l {
			m := byDoc[p.doc]
			m.doc = p.doc
			m.content += p.content
			m.speaker += p.speaker
			byDoc[p.doc] = m
		}
	}
	merged := make([]posting, 0, len(byDoc))
	for _, p := range byDoc {
		merged = append(merged, p)
	}
	slices.SortFunc(merged, func(a, b posting) int { return cmp.Compare(a.doc, b.doc) })
	return merged
}

// prune keeps the rarest terms that are in any quote, until their
// documents add up to matchBudget; the rarest is always kept. A term in no
// quote cannot match and is left out. One-syllable Korean prefixes go when
// the question has anything longer.
func (s *snapshot) prune(terms []term) []match {
	if len(terms) == 1 {
		return []match{{terms[0], s.postings(terms[0])}}
	}
	var found []match
	for _, t := range terms {
		if t.prefix && containsCJK(t.text) {
			continue
		}
		if l := s.postings(t); len(l) > 0 {
			found = append(found, match{t, l})
		}
	}
	if len(found) == 0 {
		// nothing longer matches: the one-syllable prefixes may
		for _, t := range terms[:min(len(terms), 64)] {
			found = append(found, match{t, s.postings(t)})
		}
		return found
	}
	slices.SortStableFunc(found, func(a, b match) int { return len(a.docs) - len(b.docs) })
	kept, sum := 1, len(found[0].docs)
	for _, m := range found[1:] {
		if sum+len(m.docs) > matchBudget {
			break
		}
		sum += len(m.docs)
		kept++
	}
	return found[:kept]
}

// bm25IDF is FTS5's inverse document frequency of a term in hits of n
// documents, never below a tiny positive number.
func bm25IDF(n, hits float64) float64 {
	idf := math.Log((n - hits + 0.5) / (hits + 0.5))
	if idf <= 0 {
		return 1e-6
	}
	return idf
}

// termScore is a term's bm25 in one document, with its idf (computed in
// FTS5's order, so that the scores are equal to the last bit).
func (s *snapshot) termScore(idf float64, p posting) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(s.docs[p.doc].tokens)/s.avgdl)
	f := float64(p.content)*contentWeight + float64(p.speaker)*speakerWeight
	return idf * (f * (bm25K1 + 1)) / (f + norm)
}

// scoredDoc is a document and its bm25 score (higher is better; FTS5's
// rank is its negative).
type scoredDoc struct {
	doc   int32
	score float64
}

// bm25 parameters, as FTS5's bm25() has them, with its column weights of
// this index (bm25(0, 1, 2): a match in the speaker weighs double).
const (
	bm25K1        = 1.2
	bm25B         = 0.75
	contentWeight = 1.0
	speakerWeight = 2.0
)

// score ranks the approved documents of matches by FTS5's bm25 of an OR
// of their terms, in this order, and returns the best limit, best first;
// equal scores go by rowid. Each match's documents are in rowid order and
// once each, so one pass merges them, keeping only the best so far.
func (s *snapshot) score(matches []match, limit int) []scoredDoc {
	n := float64(len(s.docs))
	idf := make([]float64, len(matches))
	for i, m := range matches {
		idf[i] = bm25IDF(n, float64(len(m.docs)))
	}
	next := make([]int, len(matches)) // each list's first posting not yet merged
	best := make([]scoredDoc, 0, min(limit, len(s.docs))+1)
	for {
		d := int32(math.MaxInt32)
		for i, m := range matches {
			if next[i] < len(m.docs) {
				d = min(d, m.docs[next[i]].doc)
			}
		}
		if d == math.MaxInt32 {
			return best
		}
		score := 0.0
		for i, m := range matches {
			if next[i] == len(m.docs) || m.docs[next[i]].doc != d {
				continue
			}
			score += s.termScore(idf[i], m.docs[next[i]])
			next[i]++
		}
		// documents come in rowid order: a tie never displaces an earlier one
		if !s.docs[d].approved || (len(best) == limit && score <= best[limit-1].score) {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, score, func(b scoredDoc, score float64) int {
			return cmp.Compare(score, b.score) // best is by score, descending
		})
		for at < len(best) && best[at].score == score {
			at++
		}
		best = slices.Insert(best, at, scoredDoc{d, score})
		best = best[:min(len(best), limit)]
	}
}
