package search

import (
	"slices"
	"strings"
	"unicode"
)

// Matching as people type Korean: a search box is typed into a word at a
// time, with or without spaces, and often with initial consonants only
// (ㅇㄹ for 여론). A query is split at spaces into parts; a quote matches
// when every part is found in its content or its speaker, each compared
// without spaces or punctuation, case and Latin accents folded. A part made
// only of compatibility jamo consonants (U+3131–U+314E) is compared with
// the initial consonants of the text instead.

// maxParts bounds the parts of a query that are matched; the rest are
// ignored (a search box sends a few words, not a page).
const maxParts = 8

// initials are the 19 initial consonants of Hangul syllables, in the
// order of the syllables' arithmetic, as compatibility jamo.
var initials = []rune("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")

// compact is text without spaces or punctuation, lower case, Latin
// accents removed: the form both sides of a match are compared in.
func compact(text string) string {
	var b strings.Builder
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return fold(b.String())
}

// initialsOf is compact text with each Hangul syllable replaced by its
// initial consonant, in one byte each (see code): a consonant query is
// compared byte by byte, three times shorter than in UTF-8.
func initialsOf(compacted string) string {
	b := make([]byte, 0, len(compacted)/3+1)
	for _, r := range compacted {
		b = append(b, code(r))
	}
	return string(b)
}

// code is the one byte a rune of compact text stands for in initials: a
// consonant (a syllable's initial, or a compatibility jamo consonant as
// typed) is its compatibility jamo's offset from U+3100 ('1'–'N'); any
// other rune is '.', which no consonant query contains.
func code(r rune) byte {
	if r >= 0xAC00 && r <= 0xD7A3 {
		r = initials[(r-0xAC00)/588]
	}
	if r >= 0x3131 && r <= 0x314E {
		return byte(r - 0x3100)
	}
	return '.'
}

// isConsonants reports whether a compact part is made only of
// compatibility jamo consonants, so that it is matched against initials.
func isConsonants(part string) bool {
	return part != "" && !strings.ContainsFunc(part, func(r rune) bool { return r < 0x3131 || r > 0x314E })
}

// part is one space-separated piece of a query, compacted.
type part struct {
	text      string // compacted; for a consonant part, its initials (see code)
	consonant bool   // matched against the initials
}

// parts splits a query into its parts, each once, at most maxParts.
func parts(query string) []part {
	var out []part
	for _, f := range strings.Fields(query) {
		c := compact(f)
		if c == "" {
			continue
		}
		p := part{c, false}
		if isConsonants(c) {
			p = part{initialsOf(c), true}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
		if len(out) == maxParts {
			break
		}
	}
	return out
}

// IsConsonantQuery reports whether query is made only of initial
// consonants (ㅇㄹ), which match the initials of a quote's words.
func IsConsonantQuery(query string) bool {
	ps := parts(query)
	return len(ps) > 0 && !slices.ContainsFunc(ps, func(p part) bool { return !p.consonant })
}

// matchText is what a quote is matched against: its content and speaker,
// compacted, and their initials, each as one string whose parts are
// separated by '|', which no compact part contains.
type matchText struct {
	text     string // compacted content | compacted speaker
	initials string // their initials
	words    string // the initials of each word, each after a space
}

func newMatchText(content, speaker string) matchText {
	c, s := compact(content), compact(speaker)
	// the words' initials in one pass: a word starts after a space, and
	// is compacted as a whole text is (only letters and numbers, whose
	// codes do not change with case)
	w := make([]byte, 0, (len(content)+len(speaker))/2)
	for _, text := range []string{content, speaker} {
		start := true
		for _, r := range text {
			switch {
			case unicode.IsSpace(r):
				start = true
			case unicode.IsLetter(r) || unicode.IsNumber(r):
				if start {
					w = append(w, ' ')
					start = false
				}
				w = append(w, code(r))
			}
		}
	}
	return matchText{text: c + "|" + s, initials: initialsOf(c) + "|" + initialsOf(s), words: string(w)}
}

func (m *matchText) has(p part) bool {
	if p.consonant {
		return strings.Contains(m.initials, p.text)
	}
	return strings.Contains(m.text, p.text)
}

// startsWord reports whether a consonant part, after a space (" "+text),
// is found from the start of a word.
func (m *matchText) startsWord(spaced string) bool {
	return strings.Contains(m.words, spaced)
}

// grams is a map from every one- and two-rune piece of the compacted
// texts (see gram) to the documents that contain it, ascending and once
// each: the candidates of a part are the documents of its rarest piece.
type grams map[uint64][]int32

// gram is the key of a piece: its runes (for initials, bytes) side by
// side; a one-rune piece has 0 as its second. Integer keys keep the load
// of 10,000 quotes free of a string per piece.
func gram(a, b rune) uint64 { return uint64(a)<<32 | uint64(b) }

func (g grams) add(d int32, text string) {
	prev := rune(-1)
	for _, r := range text {
		if r == '|' { // content|speaker: no piece spans the two
			prev = -1
			continue
		}
		g.put(gram(r, 0), d)
		if prev >= 0 {
			g.put(gram(prev, r), d)
		}
		prev = r
	}
}

func (g grams) put(key uint64, d int32) {
	l := g[key]
	if n := len(l); n > 0 && l[n-1] == d {
		return
	}
	g[key] = append(l, d)
}

// pieces are the keys of the one- or two-rune pieces every text
// containing p contains (for a consonant part, of its bytes).
func (p part) pieces() []uint64 {
	var rs []rune
	if p.consonant {
		for i := range len(p.text) {
			rs = append(rs, rune(p.text[i]))
		}
	} else {
		rs = []rune(p.text)
	}
	if len(rs) == 1 {
		return []uint64{gram(rs[0], 0)}
	}
	out := make([]uint64, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, gram(rs[i], rs[i+1]))
	}
	return out
}

// candidates are the documents that contain every piece of every part,
// as far as intersecting the rarest few lists narrows them: a superset of
// the matches, to check one by one.
func (s *snapshot) candidates(ps []part) []int32 {
	var lists [][]int32
	for _, p := range ps {
		g := &s.grams
		if p.consonant {
			g = &s.initialGrams
		}
		for _, piece := range p.pieces() {
			l := g.get(piece)
			if len(l) == 0 {
				return nil // a piece no quote has: nothing matches
			}
			lists = append(lists, l)
		}
	}
	slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
	set := lists[0]
	for _, l := range lists[1:min(len(lists), 4)] {
		if len(set) <= 32 {
			break
		}
		set = intersect(set, l)
	}
	return set
}

// intersect returns the documents in both ascending lists.
func intersect(a, b []int32) []int32 {
	out := make([]int32, 0, min(len(a), len(b)))
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// matching returns the approved documents that match every part, in
// rowid order; no parts match nothing.
func (s *snapshot) matching(ps []part) []int32 {
	if len(ps) == 0 {
		return nil
	}
	var out []int32
	for _, d := range s.candidates(ps) {
		doc := &s.docs[d]
		if !doc.approved {
			continue
		}
		ok := true
		for _, p := range ps {
			if !doc.text.has(p) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, d)
		}
	}
	return out
}

// addBytes adds the one- and two-byte pieces of initials.
func (g grams) addBytes(d int32, initials string) {
	for i := range len(initials) {
		c := initials[i]
		if c == '.' || c == '|' {
			continue // not a consonant: never looked up
		}
		g.put(gram(rune(c), 0), d)
		if i+1 < len(initials) && initials[i+1] != '.' && initials[i+1] != '|' {
			g.put(gram(rune(c), rune(initials[i+1])), d)
		}
	}
}

// packed is grams once loaded: every list in one slice, and each key's
// place and length in it, which holds the lists in a third of the memory
// of a map of slices with the room their appends left.
type packed struct {
	at   map[uint64]uint64 // key → offset<<32 | length
	docs []int32
}

func pack(g grams) packed {
	n := 0
	for _, l := range g {
		n += len(l)
	}
	p := packed{at: make(map[uint64]uint64, len(g)), docs: make([]int32, 0, n)}
	for k, l := range g {
		p.at[k] = uint64(len(p.docs))<<32 | uint64(len(l))
		p.docs = append(p.docs, l...)
	}
	return p
}

// get is the documents of a piece, ascending.
func (p *packed) get(key uint64) []int32 {
	v, ok := p.at[key]
	if !ok {
		return nil
	}
	off, n := v>>32, v&(1<<32-1)
	return p.docs[off : off+n : off+n]
}
