package search

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
)

// addBoardQuote adds a quote with an episode and a creation time.
func addBoardQuote(t *testing.T, db *dbx.DB, id, content, speaker string, episode int, created string, approved bool) {
	t.Helper()
	err := db.Transactional(func(tx *dbx.Tx) error {
		_, err := tx.Insert("quotes", dbx.Params{"id": id, "content": content, "speaker": speaker, "episode": episode, "is_apply": approved, "created": created}).Execute()
		if err != nil {
			return err
		}
		return Sync(tx, id, content, speaker, approved)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func boardDB(t *testing.T) *dbx.DB {
	db := openIndexDB(t)
	addBoardQuote(t, db, "yeoron", "여론이 뭐라고 하든 우리는 우리 길을 갑니다", "백승수", 3, "2026-01-03", true)
	addBoardQuote(t, db, "chaekim", "아무것도 책임지지 않는 사람은 아무것도 바꿀 수 없습니다", "백승수", 1, "2026-01-01", true)
	addBoardQuote(t, db, "dahaeng", "다행이라고 생각하는 순간이 제일 위험합니다", "백승수", 5, "2026-01-05", true)
	addBoardQuote(t, db, "english", "We are not a team that loses by habit.", "Baek Seung-su", 2, "2026-01-02", true)
	addBoardQuote(t, db, "seyoung", "운영팀장으로서 여론도 챙기겠습니다", "이세영", 0, "2026-01-04", true)
	addBoardQuote(t, db, "pending", "여론은 아직 승인되지 않은 대사입니다", "권경민", 4, "2026-01-06", false)
	return db
}

func boardIDs(t *testing.T, idx *Index, db *dbx.DB, b Board) BoardPage {
	t.Helper()
	if b.Limit == 0 {
		b.Limit = 20
	}
	page, err := idx.Search(db, b)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// A board search matches as people type Korean, and never finds a
// pending quote.
func TestBoardMatchesAsPeopleType(t *testing.T) {
	t.Parallel()
	db := boardDB(t)
	idx := NewIndex(0)
	scenarios := []struct {
		query string
		want  []string // in order
	}{
		{"다행", []string{"dahaeng"}},                       // part of a word
		{"ㅇㄹ", []string{"seyoung", "yeoron", "dahaeng"}},  // initial consonants, from a word's start first (여론도, 여론이, 다행이라고)
		{"ㅂㅅㅅ", []string{"dahaeng", "yeoron", "chaekim"}}, // of the speaker too, then newest first
		{"ㄷㅎ ㅂㄲ", nil},                                    // every part must match
		{"ㅇㄹㅇ", []string{"yeoron"}},                       // 여론이
		{"아무것도책임", []string{"chaekim"}},                   // without the space
		{"아무 것도", []string{"chaekim"}},                    // with one too many
		{"여론", []string{"yeoron", "seyoung"}},
		{"백승수 여론", []string{"yeoron"}}, // speaker and content
		{"HABIT", []string{"english"}}, // English, any case
		{"team loses", []string{"english"}},
		{"baek", []string{"english"}},
		{"승인되지", nil}, // only in the pending quote
		{"ㅅㅇㄷㅈ", nil}, // 승인되지, pending
		{"권경민", nil},
		{"!!!", []string{"dahaeng", "seyoung", "yeoron", "english", "chaekim"}}, // nothing to match: every quote, newest first
	}
	for _, s := range scenarios {
		page := boardIDs(t, idx, db, Board{Query: s.query})
		if !slices.Equal(page.IDs, s.want) || page.Total != len(s.want) {
			t.Fatalf("%q: expected %v, got %v (total %d)", s.query, s.want, page.IDs, page.Total)
		}
	}
}

// Filters, sorts, paging and the speaker list.
func TestBoardFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	db := boardDB(t)
	idx := NewIndex(0)
	scenarios := []struct {
		b        Board
		want     []string
		total    int
		speakers string
	}{
		{Board{}, []string{"dahaeng", "seyoung", "yeoron", "english", "chaekim"}, 5, "[{백승수 3} {Baek Seung-su 1} {이세영 1}]"},
		{Board{Sort: SortEpisode}, []string{"chaekim", "english", "yeoron", "dahaeng", "seyoung"}, 5, ""},
		{Board{Speaker: "백승수"}, []string{"dahaeng", "yeoron", "chaekim"}, 3, "[{백승수 3} {Baek Seung-su 1} {이세영 1}]"},
		{Board{Speaker: "백승"}, nil, 0, ""},
		{Board{Episode: 3}, []string{"yeoron"}, 1, "[{백승수 1}]"},
		{Board{Query: "ㅇㄹ", Sort: SortEpisode}, []string{"yeoron", "dahaeng", "seyoung"}, 3, "[{백승수 2} {이세영 1}]"},
		{Board{Query: "ㅇㄹ", Speaker: "이세영"}, []string{"seyoung"}, 1, "[{백승수 2} {이세영 1}]"},
		{Board{Offset: 1, Limit: 2}, []string{"seyoung", "yeoron"}, 5, ""},
		{Board{Offset: 10, Limit: 2}, nil, 5, ""},
	}
	for i, s := range scenarios {
		page := boardIDs(t, idx, db, s.b)
		if !slices.Equal(page.IDs, s.want) || page.Total != s.total {
			t.Fatalf("%d %+v: expected %v of %d, got %v of %d", i, s.b, s.want, s.total, page.IDs, page.Total)
		}
		if got := fmt.Sprint(page.Speakers); s.speakers != "" && got != s.speakers {
			t.Fatalf("%d %+v: expected the speakers %s, got %s", i, s.b, s.speakers, got)
		}
	}
	if _, err := idx.Search(db, Board{Sort: "oldest"}); err != ErrBadSort {
		t.Fatalf("expected ErrBadSort, got %v", err)
	}
}

// Find, which grounds the chat, finds what the board lists first for a
// question typed as a search, and never a pending quote.
func TestFindMatchesLikeTheBoard(t *testing.T) {
	t.Parallel()
	db := boardDB(t)
	idx := NewIndex(0)
	for _, q := range []string{"ㅇㄹ", "아무것도책임", "아무 것도", "여론", "ㅂㅅㅅ", "habit"} {
		page := boardIDs(t, idx, db, Board{Query: q})
		hits, err := idx.Find(db, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
		}
		if len(got) < len(page.IDs) || !slices.Equal(got[:len(page.IDs)], page.IDs) {
			t.Fatalf("%q: the board lists %v, Find %v", q, page.IDs, got)
		}
		if slices.Contains(got, "pending") {
			t.Fatalf("%q: found the pending quote", q)
		}
	}
	// a sentence no quote contains whole still finds by its words
	hits, err := idx.Find(db, "여론에 대한 대사 알려줘", 5)
	if err != nil || len(hits) == 0 || slices.ContainsFunc(hits, func(h Hit) bool { return h.ID == "pending" }) {
		t.Fatalf("expected approved quotes about 여론, got %v, %v", hits, err)
	}
}

func TestInitialsOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"여론": "ㅇㄹ", "백승수": "ㅂㅅㅅ", "kbo리그2군": "...ㄹㄱ.ㄱ", "ㅋㅋ 여론": "ㅋㅋㅇㄹ", "깡통": "ㄲㅌ", "힣": "ㅎ", "가": "ㄱ"} {
		var got []rune
		for _, b := range []byte(initialsOf(compact(in))) {
			if b == '.' {
				got = append(got, '.')
			} else {
				got = append(got, 0x3100+rune(b))
			}
		}
		if string(got) != want {
			t.Fatalf("%q: expected %q, got %q", in, want, string(got))
		}
	}
	if !IsConsonantQuery("ㅇㄹ ㅂㅅㅅ") || IsConsonantQuery("ㅇ론") || IsConsonantQuery("ㅏ") || IsConsonantQuery("") {
		t.Fatal("IsConsonantQuery is wrong")
	}
}
