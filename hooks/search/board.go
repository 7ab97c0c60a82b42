package search

import (
	"cmp"
	"errors"
	"slices"

	"github.com/pocketbase/dbx"
)

// The orders a board search lists quotes in.
const (
	SortRelevance = "relevance" // best match first (the default with a query); newest without one
	SortNewest    = "newest"    // the most recently created first (the default without a query)
	SortEpisode   = "episode"   // by episode, quotes without one last, then newest first
)

// ErrBadSort is returned for a sort that is none of the Sort constants.
var ErrBadSort = errors.New("unknown sort")

// Board is a search of the quote board: approved quotes only.
type Board struct {
	Query   string // matched as people type Korean (see match.go); empty lists every quote
	Speaker string // exactly this speaker, when not empty
	Episode int    // this episode, when ≥ 1
	Sort    string // one of the Sort constants; empty for the default
	Offset  int    // quotes to skip
	Limit   int    // at most this many ids
}

// SpeakerCount is a speaker of the matching quotes and how many they have.
type SpeakerCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// BoardPage is one page of a board search.
type BoardPage struct {
	Total    int            // quotes that match, with every filter
	IDs      []string       // the page's quotes, in order
	Speakers []SpeakerCount // speakers of the quotes matching Query and Episode (not Speaker), most quotes first
}

// Search answers a board search from the copy in memory.
func (x *Index) Search(db dbx.Builder, b Board) (BoardPage, error) {
	sort := b.Sort
	switch sort {
	case "":
		sort = SortNewest
		if parts(b.Query) != nil {
			sort = SortRelevance
		}
	case SortRelevance, SortNewest, SortEpisode:
	default:
		return BoardPage{}, ErrBadSort
	}
	s, err := x.snapshot(db)
	if err != nil {
		return BoardPage{}, err
	}
	return s.board(b, sort), nil
}

func (s *snapshot) board(b Board, sort string) BoardPage {
	ps := parts(b.Query)
	if ps == nil {
		order := s.newest
		if sort == SortEpisode {
			order = s.byEpisode
		}
		return s.page(b, order)
	}
	// the matching set, filtered by episode, counted by speaker, then
	// filtered by speaker; only the page's first quotes are put in order
	var set []int32
	for _, d := range s.matching(ps) {
		if b.Episode < 1 || s.docs[d].hit.Episode == b.Episode {
			set = append(set, d)
		}
	}
	page := BoardPage{Speakers: s.speakers(set)}
	if b.Speaker != "" {
		set = slices.DeleteFunc(set, func(d int32) bool { return s.docs[d].hit.Speaker != b.Speaker })
	}
	page.Total = len(set)
	if b.Offset >= len(set) || b.Limit < 1 {
		return page
	}
	var key []float64 // lower first
	switch sort {
	case SortRelevance:
		key = s.relevance(b.Query, ps, set)
	default:
		at := s.newestAt
		if sort == SortEpisode {
			at = s.episodeAt
		}
		key = make([]float64, len(set))
		for i, d := range set {
			key[i] = float64(at[d])
		}
	}
	for _, d := range s.first(set, key, b.Offset+b.Limit)[b.Offset:] {
		page.IDs = append(page.IDs, s.docs[d].hit.ID)
	}
	return page
}

// page lists the documents of order that pass the filters, with the
// speakers of those that pass the episode's.
func (s *snapshot) page(b Board, order []int32) BoardPage {
	var page BoardPage
	counts := map[string]int{}
	for _, d := range order {
		doc := &s.docs[d]
		if !doc.approved || (b.Episode >= 1 && doc.hit.Episode != b.Episode) {
			continue
		}
		if doc.hit.Speaker != "" {
			counts[doc.hit.Speaker]++
		}
		if b.Speaker != "" && doc.hit.Speaker != b.Speaker {
			continue
		}
		if page.Total >= b.Offset && len(page.IDs) < b.Limit {
			page.IDs = append(page.IDs, doc.hit.ID)
		}
		page.Total++
	}
	page.Speakers = sortedSpeakers(counts)
	return page
}

func (s *snapshot) speakers(set []int32) []SpeakerCount {
	counts := make([]int, len(s.speakerNames))
	for _, d := range set {
		counts[s.docs[d].speaker]++
	}
	out := make([]SpeakerCount, 0, 8)
	for i, n := range counts {
		if n > 0 && s.speakerNames[i] != "" {
			out = append(out, SpeakerCount{s.speakerNames[i], n})
		}
	}
	sortSpeakers(out)
	return out
}

func sortedSpeakers(counts map[string]int) []SpeakerCount {
	out := make([]SpeakerCount, 0, len(counts))
	for name, n := range counts {
		out = append(out, SpeakerCount{name, n})
	}
	sortSpeakers(out)
	return out
}

// sortSpeakers puts the speakers with the most quotes first, then by name.
func sortSpeakers(out []SpeakerCount) {
	slices.SortFunc(out, func(a, c SpeakerCount) int {
		return cmp.Or(cmp.Compare(c.Count, a.Count), cmp.Compare(a.Name, c.Name))
	})
}

// first returns the k documents of set with the lowest keys, in order,
// ties by the newest first: a selection, not a sort of the whole set.
func (s *snapshot) first(set []int32, key []float64, k int) []int32 {
	if k < 1 {
		return nil
	}
	less := func(i, j int) bool {
		if key[i] != key[j] {
			return key[i] < key[j]
		}
		return s.newestAt[set[i]] < s.newestAt[set[j]]
	}
	best := make([]int, 0, min(k, len(set))+1) // indexes into set, in order
	for i := range set {
		if len(best) == k && !less(i, best[k-1]) {
			continue
		}
		at := sortSearch(len(best), func(j int) bool { return less(i, best[j]) })
		best = slices.Insert(best, at, i)
		best = best[:min(len(best), k)]
	}
	out := make([]int32, len(best))
	for j, i := range best {
		out[j] = set[i]
	}
	return out
}

func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if !f(h) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// relevance is the key of each document of set (in rowid order) for the
// relevance order: minus the bm25 of the query's terms, as Find ranks
// them, and a point less for each consonant part found at the start of a
// word (ㅇㄹ: 여론 before 다행이라고).
func (s *snapshot) relevance(query string, ps []part, set []int32) []float64 {
	key := make([]float64, len(set))
	if len(set) == 0 {
		return key
	}
	n := float64(len(s.docs))
	for _, t := range queryTerms(query) {
		if t.prefix && containsCJK(t.text) {
			continue // a one syllable is in most matches anyway, and its prefix costs a merge of many lists
		}
		l := s.postings(t)
		if len(l) == 0 {
			continue
		}
		idf := bm25IDF(n, float64(len(l)))
		for i, j := 0, 0; i < len(set) && j < len(l); { // both in rowid order
			switch {
			case set[i] < l[j].doc:
				i++
			case set[i] > l[j].doc:
				j++
			default:
				key[i] -= s.termScore(idf, l[j])
				i++
				j++
			}
		}
	}
	for _, p := range ps {
		if !p.consonant {
			continue
		}
		spaced := " " + p.text
		for i, d := range set {
			if s.docs[d].text.startsWord(spaced) {
				key[i]--
			}
		}
	}
	return key
}

// byRelevance orders matching documents (in rowid order) as a board
// search by relevance lists them.
func (s *snapshot) byRelevance(query string, ps []part, set []int32, limit int) []int32 {
	return s.first(set, s.relevance(query, ps, set), limit)
}
