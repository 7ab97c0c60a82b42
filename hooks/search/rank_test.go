package search

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
)

// The copy in memory ranks as FTS5 does: for random quotes and questions,
// every quote FTS5's bm25 scores for the kept terms gets the same score in
// memory, and the best five have the scores of FTS5's best five.
func TestIndexRanksAsFTS5Does(t *testing.T) {
	t.Parallel()
	db := openIndexDB(t)
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{
		"다행이라고", "생각하는", "순간이", "제일", "위험합니다", "핑계", "대지", "마세요", "결과로", "말하세요",
		"야구는", "선수가", "하는", "겁니다", "드림즈", "우승", "단장님", "연봉", "협상", "트레이드",
		"excuses", "effort", "games", "winning", "win", "team", "café", "Résumé", "naïve", "Über",
		"KBO리그", "2군", "공", "프런트", "스토브리그",
	}
	speakers := []string{"백승수", "이세영", "권경민", "Baek Seung-su", "", "임동규"}
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			// a skewed draw: early words are common, late ones rare
			w[i] = vocab[min(len(vocab)-1, int(rng.ExpFloat64()*8))]
		}
		return strings.Join(w, " ")
	}
	for i := range 600 {
		addQuote(t, db, fmt.Sprintf("q%04d", i), words(3+rng.IntN(12)), speakers[rng.IntN(len(speakers))], rng.IntN(10) > 0)
	}

	idx := NewIndex(0)
	questions := []string{"공", "win", "cafe", "resume 대사", "UBER", "백승수 대사", "이세영 선수", "2군 KBO"}
	for range 200 {
		questions = append(questions, words(1+rng.IntN(6)))
	}
	compared := 0
	for _, q := range questions {
		s, err := idx.snapshot(db)
		if err != nil {
			t.Fatal(err)
		}
		matches := s.prune(queryTerms(q))
		kept := make([]term, len(matches))
		for i, m := range matches {
			kept[i] = m.term
		}
		var want []struct {
			ID    string  `db:"quote_id"`
			Score float64 `db:"score"`
		}
		err = db.NewQuery(`SELECT f.quote_id, -bm25(` + Table + `, 0.0, 1.0, 2.0) AS score FROM ` + Table + ` f
			JOIN quotes q ON q.id = f.quote_id WHERE ` + Table + ` MATCH {:match} AND q.is_apply
			ORDER BY rank`).Bind(dbx.Params{"match": orExpr(kept)}).All(&want)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		got := s.score(matches, len(s.docs))
		if len(got) != len(want) {
			t.Fatalf("%q (%s): FTS5 matches %d quotes, memory %d", q, orExpr(kept), len(want), len(got))
		}
		if !slices.IsSortedFunc(got, func(a, b scoredDoc) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.doc, b.doc))
		}) {
			t.Fatalf("%q: not by score, then rowid: %v", q, got)
		}
		if top := s.score(matches, 5); !slices.Equal(top, got[:min(5, len(got))]) {
			t.Fatalf("%q: the best 5 are %v, the first 5 of all %v", q, top, got[:min(5, len(got))])
		}
		scores := map[string]float64{}
		for _, d := range got {
			scores[s.docs[d.doc].hit.ID] = d.score
		}
		for i, w := range want {
			m, ok := scores[w.ID]
			if !ok || math.Abs(m-w.Score) > 1e-9*max(1, math.Abs(w.Score)) {
				t.Fatalf("%q: quote %s: FTS5 scores %v, memory %v (found %v)", q, w.ID, w.Score, m, ok)
			}
			if math.Abs(got[i].score-w.Score) > 1e-9*max(1, math.Abs(w.Score)) {
				t.Fatalf("%q: place %d: FTS5 has score %v, memory %v", q, i, w.Score, got[i].score)
			}
		}
		hits, err := idx.Find(db, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != min(5, len(want)) {
			t.Fatalf("%q: expected %d hits, got %d", q, min(5, len(want)), len(hits))
		}
		compared += len(want)
	}
	if compared < 1000 {
		t.Fatalf("expected the questions to match many quotes, only %d compared", compared)
	}
}

// The best few of the one-pass merge are the first few of ranking every
// match, as the search ranked them before: every score, and ties by rowid,
// at every limit, with unapproved quotes among the matches and many ties.
func TestScoreKeepsTheBestOfTheFullRanking(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 200 {
		s := &snapshot{avgdl: 6}
		for range 1 + rng.IntN(60) {
			s.docs = append(s.docs, doc{tokens: 4 + rng.IntN(3), approved: rng.IntN(5) > 0})
		}
		matches := make([]match, 1+rng.IntN(4))
		for i := range matches {
			for d := range s.docs {
				if rng.IntN(3) == 0 {
					p := posting{doc: int32(d), content: int32(rng.IntN(2)), speaker: int32(rng.IntN(2))}
					if p.content+p.speaker == 0 {
						p.content = 1
					}
					matches[i].docs = append(matches[i].docs, p)
				}
			}
		}
		all := rankAll(s, matches)
		for _, limit := range []int{1, 2, 3, 5, len(s.docs), len(s.docs) + 1} {
			want := all[:min(limit, len(all))]
			if got := s.score(matches, limit); !slices.Equal(got, want) {
				t.Fatalf("round %d, limit %d: expected %v, got %v", round, limit, want, got)
			}
		}
	}
}

// rankAll is the ranking before the one-pass merge: every approved match
// scored from a map, then all of them sorted.
func rankAll(s *snapshot, matches []match) []scoredDoc {
	n := float64(len(s.docs))
	freqs := map[int32][]float64{}
	for i, m := range matches {
		for _, p := range m.docs {
			if freqs[p.doc] == nil {
				freqs[p.doc] = make([]float64, len(matches))
			}
			freqs[p.doc][i] += float64(p.content)*contentWeight + float64(p.speaker)*speakerWeight
		}
	}
	idf := make([]float64, len(matches))
	for i, m := range matches {
		hits := float64(len(m.docs))
		if idf[i] = math.Log((n - hits + 0.5) / (hits + 0.5)); idf[i] <= 0 {
			idf[i] = 1e-6
		}
	}
	var out []scoredDoc
	for d, f := range freqs {
		if !s.docs[d].approved {
			continue
		}
		norm := bm25K1 * (1 - bm25B + bm25B*float64(s.docs[d].tokens)/s.avgdl)
		score := 0.0
		for i := range matches {
			score += idf[i] * (f[i] * (bm25K1 + 1)) / (f[i] + norm)
		}
		out = append(out, scoredDoc{d, score})
	}
	slices.SortFunc(out, func(a, b scoredDoc) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.doc, b.doc))
	})
	return out
}
