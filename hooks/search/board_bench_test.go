package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
)

// benchDB is an index of 10,000 approved quotes of made-up Korean and
// English words, and a way to run with its snapshot.
func benchDB(b *testing.B) (*Index, func(func(*snapshot))) {
	b.Helper()
	db := benchData(b)
	idx := NewIndex(1 << 62)
	return idx, func(f func(*snapshot)) {
		s, err := idx.snapshot(db)
		if err != nil {
			b.Fatal(err)
		}
		f(s)
	}
}

// benchData is a database of 10,000 approved quotes, indexed.
func benchData(b *testing.B) *dbx.DB {
	b.Helper()
	db := openIndexDB(b)
	rng := rand.New(rand.NewPCG(3, 4))
	syl := []rune("가나다라마바사아자차카타파하고노도로모보소오조구누두루무부수우주기니디리미비시이지간단만반산안한강상장정성영경명생승선전연현인일신진말발날물을는은에서와과의요네게해")
	en := strings.Fields("we are the dreams baseball team winning trade salary never give up player coach season owner habit losing fans")
	word := func() string {
		if rng.IntN(4) == 0 {
			return en[rng.IntN(len(en))]
		}
		w := make([]rune, 2+rng.IntN(3))
		for i := range w {
			w[i] = syl[rng.IntN(len(syl))]
		}
		return string(w)
	}
	speakers := []string{"백승수", "이세영", "권경민", "한재희", "강두기", "임동규", "Baek Seung-su"}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		ws := make([]string, 8+rng.IntN(10))
		for j := range ws {
			ws[j] = word()
		}
		if _, err := tx.Insert("quotes", map[string]any{"id": fmt.Sprintf("q%05d", i), "content": strings.Join(ws, " "),
			"speaker": speakers[rng.IntN(len(speakers))], "episode": 1 + rng.IntN(16), "is_apply": true,
			"created": fmt.Sprintf("2026-01-01 %05d", i)}).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	if err := Rebuild(tx); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkBoardSearch(b *testing.B) {
	_, with := benchDB(b)
	for _, q := range []string{"", "ㅇ", "가", "ㅇㄹ", "ㅂㅅㅅ", "ㄱㄴㄷ", "다행", "가나", "가나다라", "team", "winning 가", "아무것도책임"} {
		b.Run(q, func(b *testing.B) {
			with(func(s *snapshot) {
				sort := SortNewest
				if q != "" {
					sort = SortRelevance
				}
				for b.Loop() {
					s.board(Board{Query: q, Limit: 20}, sort)
				}
			})
		})
	}
}

func BenchmarkFind(b *testing.B) {
	_, with := benchDB(b)
	for _, q := range []string{"다행이라고 한 대사 찾아줘", "what did Baek say about winning", "ㅇㄹ", "백승수 단장님 명대사"} {
		b.Run(q, func(b *testing.B) {
			with(func(s *snapshot) {
				terms := queryTerms(q)
				for b.Loop() {
					s.findLikeBoard(q, terms, 5)
				}
			})
		})
	}
}

// BenchmarkLoadSnapshot is the cost of loading 10,000 quotes into memory,
// which a search pays once after each write.
func BenchmarkLoadSnapshot(b *testing.B) {
	db := benchData(b)
	for b.Loop() {
		if _, err := loadSnapshot(db, 1); err != nil {
			b.Fatal(err)
		}
	}
}
