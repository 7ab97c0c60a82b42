package search

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"golang.org/x/text/unicode/norm"
)

// Index answers searches from memory: a copy of the FTS table's terms with
// each quote's text, ranked with the same bm25 that FTS5 computes. Ranking
// in SQLite cost more CPU than the rest of a chat request; the copy makes a
// search a few map lookups.
//
// The copy is loaded on first use and again when the table's version has
// moved: Sync, Remove and Rebuild move it in the transaction of their
// write, whichever process writes. Reading the version costs a query, so
// a search reads it only when Changed was called since the last read (a
// write in this process, once committed) or when the last read is older
// than the index's recheck interval (a write by another process, such as
// the CLI's). Searches that must read it wait for one another, so none
// is answered from the old copy while another loads the new one.
type Index struct {
	recheck time.Duration
	cur     atomic.Pointer[snapshot]
	epoch   atomic.Int64 // moved by Changed
	seen    atomic.Int64 // the epoch before the last version read
	checked atomic.Int64 // when the version was last read, in Unix nanoseconds
	load    sync.Mutex
}

// NewIndex returns an index that loads on its first search and reads the
// version at least every recheck (0: on every search). Use one per
// database.
func NewIndex(recheck time.Duration) *Index { return &Index{recheck: recheck} }

// Changed makes the next search read the version. Call it after a write to
// the index has committed.
func (x *Index) Changed() { x.epoch.Add(1) }

// Find returns up to limit approved quotes that match question, best first
// by bm25. A question with nothing to search for finds nothing.
func (x *Index) Find(db dbx.Builder, question string, limit int) ([]Hit, error) {
	terms := queryTerms(question)
	if len(terms) == 0 || limit < 1 {
		return nil, nil
	}
	s, err := x.snapshot(db)
	if err != nil {
		return nil, err
	}
	return s.find(terms, limit), nil
}

// snapshot returns a copy as new as the database's version.
func (x *Index) snapshot(db dbx.Builder) (*snapshot, error) {
	epoch := x.epoch.Load()
	if s := x.fresh(epoch); s != nil {
		return s, nil
	}
	x.load.Lock()
	defer x.load.Unlock()
	if s := x.fresh(epoch); s != nil {
		return s, nil // read by another search meanwhile
	}
	// the epoch is read before the version, and the version before the
	// rows: a write committed after either is seen by a later search
	now := time.Now().UnixNano()
	v, err := version(db)
	if err != nil {
		return nil, err
	}
	s := x.cur.Load()
	if s == nil || s.version != v {
		if s, err = loadSnapshot(db, v); err != nil {
			return nil, err
		}
		x.cur.Store(s)
	}
	x.checked.Store(now)
	x.seen.Store(epoch)
	return s, nil
}

// fresh returns the copy when no write was announced since the version was
// last read at or after epoch, and that read is within the recheck interval.
func (x *Index) fresh(epoch int64) *snapshot {
	s := x.cur.Load()
	if s == nil || x.seen.Load() < epoch || time.Now().UnixNano()-x.checked.Load() >= int64(x.recheck) {
		return nil
	}
	return s
}

func version(db dbx.Builder) (int64, error) {
	var v int64
	if err := db.NewQuery(`SELECT [[version]] FROM ` + VersionTable).Row(&v); err != nil {
		return 0, fmt.Errorf("reading the quote index version: %w", err)
	}
	return v, nil
}

// bump moves the version; call it in the transaction of an index write.
func bump(db dbx.Builder) error {
	if _, err := db.NewQuery(`UPDATE ` + VersionTable + ` SET [[version]] = [[version]] + 1`).Execute(); err != nil {
		return fmt.Errorf("moving the quote index version: %w", err)
	}
	return nil
}

// snapshot is the index at one version.
type snapshot struct {
	version int64
	docs    []doc                // by rowid, ascending
	terms   map[string][]posting // FTS5 token → its documents, ascending
	sorted  []string             // the tokens, sorted, for prefix terms
	avgdl   float64              // tokens per row, all columns
}

type doc struct {
	hit      Hit
	tokens   int  // in content and speaker
	approved bool // false for a row whose quote is gone or unapproved (the index is behind)
}

// posting is one document of a token, with its occurrences per column.
type posting struct {
	doc              int32
	content, speaker int32
}

func loadSnapshot(db dbx.Builder, version int64) (*snapshot, error) {
	rows, err := db.NewQuery(`
		SELECT f.content AS terms, f.speaker AS speaker_terms, COALESCE(q.id, '') AS id,
			COALESCE(q.content, '') AS content, COALESCE(q.speaker, '') AS speaker,
			COALESCE(q.episode, 0) AS episode, COALESCE(q.is_apply, FALSE) AS approved
		FROM ` + Table + ` f LEFT JOIN quotes q ON q.id = f.quote_id
		ORDER BY f.rowid`).Rows()
	if err != nil {
		return nil, fmt.Errorf("loading the quote index: %w", err)
	}
	defer rows.Close()
	var r struct {
		Terms        string `db:"terms"`
		SpeakerTerms string `db:"speaker_terms"`
		ID           string `db:"id"`
		Content      string `db:"content"`
		Speaker      string `db:"speaker"`
		Episode      int    `db:"episode"`
		Approved     bool   `db:"approved"`
	}
	s := &snapshot{version: version, terms: map[string][]posting{}}
	speakers := map[string]string{} // one copy of each speaker's name
	row := map[string]int{}         // a row's tokens, to their place in counts
	var counts []posting
	total := 0
	for rows.Next() {
		if err := rows.ScanStruct(&r); err != nil {
			return nil, fmt.Errorf("loading the quote index: %w", err)
		}
		d := int32(len(s.docs))
		clear(row)
		counts = counts[:0]
		n := 0
		for col, text := range []string{r.Terms, r.SpeakerTerms} {
			toks := tokens(text)
			for _, tok := range toks {
				at, ok := row[tok]
				if !ok {
					at = len(counts)
					row[tok] = at
					counts = append(counts, posting{doc: d})
				}
				if col == 0 {
					counts[at].content++
				} else {
					counts[at].speaker++
				}
			}
			n += len(toks)
		}
		total += n
		for tok, at := range row {
			l, ok := s.terms[tok]
			if !ok {
				tok = strings.Clone(tok) // not a slice of the row's whole text
			}
			s.terms[tok] = append(l, counts[at]) // rows come in order: lists stay sorted
		}
		speaker, ok := speakers[r.Speaker]
		if !ok {
			speaker = r.Speaker
			speakers[speaker] = speaker
		}
		s.docs = append(s.docs, doc{
			hit:      Hit{ID: r.ID, Content: r.Content, Speaker: speaker, Episode: r.Episode},
			tokens:   n,
			approved: r.Approved,
		})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading the quote index: %w", err)
	}
	s.docs = slices.Clip(s.docs)
	if len(s.docs) > 0 {
		s.avgdl = float64(total) / float64(len(s.docs))
	}
	s.sorted = make([]string, 0, len(s.terms))
	for t, l := range s.terms {
		s.terms[t] = slices.Clone(l) // without the room append left
		s.sorted = append(s.sorted, t)
	}
	slices.Sort(s.sorted)
	return s, nil
}

// tokens splits indexed text as FTS5's unicode61 tokenizer with
// remove_diacritics 2 does: at anything but letters and digits, lower case,
// Latin diacritics removed. Indexed text is already split and lower case
// (see Terms); this folds what FTS5 folds.
func tokens(text string) []string {
	out := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	for i, t := range out {
		out[i] = fold(t)
	}
	return out
}

// fold lowers case and removes diacritics from Latin letters (é → e), as
// FTS5's remove_diacritics 2 does (a test compares the two). Other scripts
// are only lowered: Hangul syllables must not be split into their letters.
func fold(t string) string {
	t = strings.ToLower(t)
	if !strings.ContainsFunc(t, latinWithDiacritic) {
		return t
	}
	var b strings.Builder
	for _, r := range t {
		switch {
		case r == 'ſ' || r == 'ẛ': // long s
			r = 's'
		case latinWithDiacritic(r):
			if base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r))); base < utf8.RuneSelf {
				r = base
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func latinWithDiacritic(r rune) bool {
	return (r >= 0xC0 && r <= 0x24F) || (r >= 0x1E00 && r <= 0x1EFF)
}

// find prunes the common terms (see matchBudget) and ranks what the rest
// match.
func (s *snapshot) find(terms []term, limit int) []Hit {
	var hits []Hit
	for _, d := range s.score(s.prune(terms), limit) {
		hits = append(hits, s.docs[d.doc].hit)
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
		hits := float64(len(m.docs))
		idf[i] = math.Log((n - hits + 0.5) / (hits + 0.5))
		if idf[i] <= 0 {
			idf[i] = 1e-6
		}
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
		norm := bm25K1 * (1 - bm25B + bm25B*float64(s.docs[d].tokens)/s.avgdl)
		score := 0.0
		for i, m := range matches {
			if next[i] == len(m.docs) || m.docs[next[i]].doc != d {
				continue
			}
			p := m.docs[next[i]]
			next[i]++
			f := float64(p.content)*contentWeight + float64(p.speaker)*speakerWeight
			score += idf[i] * (f * (bm25K1 + 1)) / (f + norm)
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
