// Package search is stovebot's full-text index of approved quotes: an SQLite
// FTS5 table whose text is pre-split in Go so that Korean matches inside
// words. Korean runs are indexed as overlapping two-syllable pieces (bigrams),
// so the query 다행 finds 다행이라고; other words are indexed whole and
// matched by prefix. Searches rank a copy of the table in memory ([Index]).
//
// The quote board's search ([Index.Search]) matches as people type Korean:
// parts of words, initial consonants (ㅇㄹ finds 여론), without regard to
// spaces, English words; [Index.Find], which grounds the chat, lists what
// the board lists first for a question typed as a search.
//
// Usage:
//
//	idx := search.NewIndex(time.Second) // one per database
//	hits, err := idx.Find(app.DB(), "다행", 5)
//
// The index holds approved quotes only; [Sync] keeps one quote in step and
// [Rebuild] rebuilds all.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// stopwords are English words too common in questions to say anything about
// which quote is meant.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "in": true, "on": true, "and": true,
	"or": true, "is": true, "are": true, "was": true, "be": true, "it": true, "me": true, "my": true,
	"i": true, "you": true, "about": true, "for": true, "with": true, "what": true, "which": true,
	"tell": true, "show": true, "find": true, "give": true, "line": true, "lines": true, "quote": true,
	"quotes": true, "please": true, "some": true, "any": true, "that": true, "this": true,
}

// isCJK reports whether r is written without spaces between words' parts:
// Hangul, Han and kana are split into bigrams.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// words splits s into runs of letters and digits, separating CJK letters
// from other letters ("KBO리그" → "kbo", "리그"); digits join either ("2군").
func words(s string) []string {
	var out []string
	var cur []rune
	curCJK, curLetters := false, false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
		curLetters = false
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			if c := isCJK(r); curLetters && c != curCJK {
				flush()
			}
			curCJK, curLetters = isCJK(r), true
		case !unicode.IsDigit(r):
			flush()
			continue
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func containsCJK(w string) bool { return strings.ContainsFunc(w, isCJK) }

// bigrams returns the overlapping two-rune pieces of a CJK word; a one-rune
// word is its own piece.
func bigrams(w string) []string {
	rs := []rune(w)
	if len(rs) < 2 {
		return []string{w}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// Terms is the indexed form of a text: CJK words as bigrams, other words
// whole, separated by spaces.
func Terms(text string) string {
	var b strings.Builder
	for _, w := range words(text) {
		pieces := []string{w}
		if containsCJK(w) {
			pieces = bigrams(w)
		}
		for _, p := range pieces {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// term is one piece of a question to match: a word or bigram, or a prefix.
type term struct {
	text   string
	prefix bool
}

// expr is the term as an FTS5 query: quoted, so no input is FTS5 syntax.
func (t term) expr() string {
	e := `"` + strings.ReplaceAll(t.text, `"`, `""`) + `"`
	if t.prefix {
		e += "*"
	}
	return e
}

// queryTerms returns the pieces of a question, each once: CJK words as
// bigrams (a one-syllable word as a prefix), other words as prefixes,
// English stopwords left out.
func queryTerms(question string) []term {
	seen := map[term]bool{}
	var terms []term
	add := func(t term) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	for _, w := range words(question) {
		switch {
		case containsCJK(w) && utf8.RuneCountInString(w) == 1:
			add(term{w, true}) // one syllable: any piece that starts with it
		case containsCJK(w):
			for _, p := range bigrams(w) {
				add(term{p, false})
			}
		case stopwords[w]:
		default:
			add(term{w, true})
		}
	}
	return terms
}

// Query turns a question into an FTS5 MATCH expression: any of its pieces,
// so that a quote matching more (and rarer) pieces ranks first. It returns
// "" when the question has nothing to search for. Index.Find prunes the common
// pieces of this expression first.
func Query(question string) string {
	return orExpr(queryTerms(question))
}

func orExpr(terms []term) string {
	exprs := make([]string, len(terms))
	for i, t := range terms {
		exprs[i] = t.expr()
	}
	return strings.Join(exprs, " OR ")
}
