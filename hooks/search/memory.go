package search

import (
	"cmp"
	"fmt"
	"slices"
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

// Find returns up to limit approved quotes that match question: first
// those a board search for it lists first (see Search), then the best by
// bm25 of its terms. A question with nothing to search for finds nothing.
func (x *Index) Find(db dbx.Builder, question string, limit int) ([]Hit, error) {
	terms := queryTerms(question)
	if (len(terms) == 0 && parts(question) == nil) || limit < 1 {
		return nil, nil
	}
	s, err := x.snapshot(db)
	if err != nil {
		return nil, err
	}
	return s.findLikeBoard(question, terms, limit), nil
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

	speakerNames []string // each speaker once, by doc.speaker
	grams        packed   // pieces of the compacted texts (see match.go)
	initialGrams packed   // pieces of their initials
	newest       []int32  // the documents, newest first
	byEpisode    []int32  // the documents by episode (none last), then newest first
	newestAt     []int32  // a document's place in newest
	episodeAt    []int32  // a document's place in byEpisode
}

type doc struct {
	hit      Hit
	text     matchText // what a board search matches (see match.go)
	created  string
	speaker  int32 // the place of hit.Speaker in snapshot.speakerNames
	tokens   int   // in content and speaker
	approved bool  // false for a row whose quote is gone or unapproved (the index is behind)
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
			COALESCE(q.episode, 0) AS episode, COALESCE(q.is_apply, FALSE) AS approved,
			COALESCE(q.created, '') AS created
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
		Created      string `db:"created"`
	}
	s := &snapshot{version: version, terms: map[string][]posting{}}
	speakers := map[string]int32{} // each speaker's place in s.speakerNames
	row := map[string]int{}        // a row's tokens, to their place in counts
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
		at, ok := speakers[r.Speaker]
		if !ok {
			at = int32(len(s.speakerNames))
			speakers[r.Speaker] = at
			s.speakerNames = append(s.speakerNames, r.Speaker)
		}
		speaker := s.speakerNames[at] // one copy of each speaker's name
		s.docs = append(s.docs, doc{
			hit:      Hit{ID: r.ID, Content: r.Content, Speaker: speaker, Episode: r.Episode},
			text:     newMatchText(r.Content, speaker),
			created:  r.Created,
			speaker:  at,
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
	s.order()
	return s, nil
}

// order fills what a board search needs beyond the ranking: the pieces of
// each document's text and the two orders it lists documents in.
func (s *snapshot) order() {
	text, initials := grams{}, grams{}
	s.newest = make([]int32, len(s.docs))
	for i := range s.docs {
		d := &s.docs[i]
		text.add(int32(i), d.text.text)
		initials.addBytes(int32(i), d.text.initials)
		s.newest[i] = int32(i)
	}
	s.grams, s.initialGrams = pack(text), pack(initials)
	slices.SortStableFunc(s.newest, func(a, b int32) int {
		return cmp.Or(strings.Compare(s.docs[b].created, s.docs[a].created), strings.Compare(s.docs[b].hit.ID, s.docs[a].hit.ID))
	})
	s.byEpisode = slices.Clone(s.newest)
	slices.SortStableFunc(s.byEpisode, func(a, b int32) int {
		ea, eb := s.docs[a].hit.Episode, s.docs[b].hit.Episode
		if (ea < 1) != (eb < 1) {
			return cmp.Compare(eb, ea) // without an episode: last
		}
		return cmp.Compare(ea, eb)
	})
	s.newestAt = places(s.newest)
	s.episodeAt = places(s.byEpisode)
}

func places(order []int32) []int32 {
	at := make([]int32, len(order))
	for i, d := range order {
		at[d] = int32(i)
	}
	return at
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
