package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/search"
	"stovebot/migrations"
)

const (
	timeLayout = "2006-01-02 15:04:05.000Z" // PocketBase's stored date format
	idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	password   = "bench-password-1"
)

// dataset writes records straight into a data dir's SQLite with raw SQL in
// large transactions, after PocketBase and stovebot's migrations made the
// schema. The random source is seeded: every run builds the same data.
type dataset struct {
	app  *core.BaseApp
	db   *sql.DB
	rng  *rand.Rand
	now  time.Time
	hash string // the bcrypt hash of password, shared by every user

	ko, en *rand.Zipf
}

// openDataset bootstraps a PocketBase app on dir and applies every migration.
func openDataset(dir string) (*dataset, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("bootstrapping %s: %w", dir, err)
	}
	if err := app.RunAllMigrations(); err != nil {
		return nil, fmt.Errorf("migrating %s: %w", dir, err)
	}
	d := &dataset{
		app: app,
		db:  app.NonconcurrentDB().(*dbx.DB).DB(),
		rng: rand.New(rand.NewPCG(8, 2026)),
		now: time.Now().UTC(),
	}
	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		return nil, err
	}
	// one user saved through the app gives the password hash for the others
	tmpl := core.NewRecord(users)
	tmpl.SetEmail("template@bench.invalid")
	tmpl.SetPassword(password)
	if err := app.Save(tmpl); err != nil {
		return nil, fmt.Errorf("saving a template user: %w", err)
	}
	if err := d.db.QueryRow(`SELECT password FROM users WHERE id = ?`, tmpl.Id).Scan(&d.hash); err != nil {
		return nil, err
	}
	_, err = d.db.Exec(`DELETE FROM users WHERE id = ?`, tmpl.Id)
	return d, err
}

func (d *dataset) close() error { return d.app.ClearBootstrap() }

func (d *dataset) id() string {
	b := make([]byte, 15)
	for i := range b {
		b[i] = idAlphabet[d.rng.IntN(len(idAlphabet))]
	}
	return string(b)
}

// bulk inserts rows into table in transactions of 20,000 rows, 100 rows a
// statement.
func (d *dataset) bulk(table string, cols []string, rows [][]any) error {
	const perStmt, perTx = 100, 20000
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES "
	full := head + strings.TrimSuffix(strings.Repeat(one+",", perStmt), ",")
	for start := 0; start < len(rows); start += perTx {
		tx, err := d.db.Begin()
		if err != nil {
			return err
		}
		stmt, err := tx.Prepare(full)
		if err != nil {
			tx.Rollback()
			return err
		}
		end := min(start+perTx, len(rows))
		for i := start; i < end; i += perStmt {
			n := min(perStmt, end-i)
			args := make([]any, 0, n*len(cols))
			for _, r := range rows[i : i+n] {
				args = append(args, r...)
			}
			if n == perStmt {
				_, err = stmt.Exec(args...)
			} else {
				_, err = tx.Exec(head+strings.TrimSuffix(strings.Repeat(one+",", n), ","), args...)
			}
			if err != nil {
				tx.Rollback()
				return fmt.Errorf("inserting into %s: %w", table, err)
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// addUsers creates n users named prefix-N, each with its own token key and
// the given daily_limit (0: the default), and returns their ids.
func (d *dataset) addUsers(prefix string, n, dailyLimit int) ([]string, error) {
	ids := make([]string, n)
	rows := make([][]any, n)
	created := d.now.Add(-400 * 24 * time.Hour).Format(timeLayout)
	for i := range n {
		ids[i] = d.id()
		tokenKey := d.id() + d.id() + d.id()
		rows[i] = []any{ids[i], fmt.Sprintf("%s-%d@bench.invalid", prefix, i), d.hash, tokenKey, true,
			fmt.Sprintf("%s%d", prefix, i), dailyLimit, created, created}
	}
	return ids, d.bulk("users", []string{"id", "email", "password", "tokenKey", "verified",
		"nickname", "daily_limit", "created", "updated"}, rows)
}

// addChats gives user pairs question-and-answer pairs, spread evenly over
// the span before now, all done, in conversations that each last at most
// length (one conversation when length ≥ span): a question asked length or
// more after the first message of the current conversation starts the
// next. Each conversation is titled by its first question and dated from
// its first message to its last, as the server makes them; every message
// names its conversation, and every answer its question. It returns the
// rows of chats (chatCols) and of conversations (conversationCols), the
// most recent conversation last; write them with addChatRows.
func (d *dataset) addChats(user string, pairs int, span, length time.Duration) (chats, convs [][]any) {
	chats = make([][]any, 0, 2*pairs)
	step := span / time.Duration(pairs+1)
	var conv []any
	var convStart time.Time
	for i := range pairs {
		at := d.now.Add(-span + time.Duration(i+1)*step)
		q, a := d.id(), d.id()
		asked, answered := at.Format(timeLayout), at.Add(time.Second).Format(timeLayout)
		question := questions[d.rng.IntN(len(questions))]
		if conv == nil || at.Sub(convStart) >= length {
			conv = []any{d.id(), user, migrations.ConversationTitle(question), asked, asked}
			convStart = at
			convs = append(convs, conv)
		}
		conv[4] = answered // updated: the last message's date, as the activity trigger sets it
		chats = append(chats,
			[]any{q, user, conv[0], "user", question, "done", a, "", "", 0, 0, asked, answered},
			[]any{a, user, conv[0], "assistant", d.sentence(12), "done", "", q, "bench-model", 120, 24, answered, answered})
	}
	return chats, convs
}

var (
	chatCols = []string{"id", "user", "conversation", "role", "content", "status", "reply", "question", "model",
		"prompt_tokens", "completion_tokens", "created", "updated"}
	conversationCols = []string{"id", "user", "title", "created", "updated"}
)

// addChatRows writes the rows of addChats: the conversations first, each
// already dated to its last message, so the activity trigger on chats
// leaves them as they are.
func (d *dataset) addChatRows(chats, convs [][]any) error {
	if err := d.bulk(migrations.ConversationsCollection, conversationCols, convs); err != nil {
		return err
	}
	return d.bulk(migrations.ChatsCollection, chatCols, chats)
}

// addConversations gives each user one conversation with no messages yet,
// made an hour before now, and returns their ids in the users' order.
func (d *dataset) addConversations(users []string) ([]string, error) {
	ids := make([]string, len(users))
	rows := make([][]any, len(users))
	at := d.now.Add(-time.Hour).Format(timeLayout)
	for i, user := range users {
		ids[i] = d.id()
		rows[i] = []any{ids[i], user, "bench", at, at}
	}
	return ids, d.bulk(migrations.ConversationsCollection, conversationCols, rows)
}

// addQuotes adds n approved quotes, Korean and English mixed, and fills
// the search index with search.Rebuild, as the server does at start-up
// when the index is out of step.
func (d *dataset) addQuotes(n int) error {
	rows := make([][]any, n)
	for i := range n {
		at := d.now.Add(-time.Duration(n-i) * time.Minute).Format(timeLayout)
		rows[i] = []any{d.id(), d.sentence(8 + d.rng.IntN(10)), speakers[d.rng.IntN(len(speakers))],
			1 + d.rng.IntN(16), true, at, at, at}
	}
	err := d.bulk("quotes", []string{"id", "content", "speaker", "episode", "is_apply", "applied_at", "created", "updated"}, rows)
	if err != nil {
		return err
	}
	return d.app.RunInTransaction(func(tx core.App) error { return search.Rebuild(tx.DB()) })
}

// sentence is n words, mostly Korean or mostly English, drawn from each
// language's vocabulary with Zipf's law, as words of real text are.
func (d *dataset) sentence(n int) string {
	if d.ko == nil {
		d.ko = rand.NewZipf(d.rng, 1.1, 2, uint64(len(koVocab)-1))
		d.en = rand.NewZipf(d.rng, 1.1, 2, uint64(len(enVocab)-1))
	}
	korean := d.rng.IntN(2) == 0
	words := make([]string, n)
	for i := range words {
		if korean == (d.rng.IntN(5) != 0) {
			words[i] = koVocab[d.ko.Uint64()]
		} else {
			words[i] = enVocab[d.en.Uint64()]
		}
	}
	return strings.Join(words, " ") + "."
}

// vocabulary is n made-up words of 2 to 4 pieces with the given words
// spread evenly among them, so that words of the questions range from
// common to rare, as in real quotes.
func vocabulary(words []string, pieces []string, sep string, n int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []string
	step := n / len(words)
	for i := range n {
		if i%step == step/4 && i/step < len(words) {
			out = append(out, words[i/step])
		}
		w := make([]string, 2+rng.IntN(3))
		for j := range w {
			w[j] = pieces[rng.IntN(len(pieces))]
		}
		out = append(out, strings.Join(w, sep))
	}
	return out
}

// token mints an auth token for a user, as a sign-in would.
func (d *dataset) token(userID string) (string, error) {
	user, err := d.app.FindRecordById(migrations.UsersCollection, userID)
	if err != nil {
		return "", err
	}
	return user.NewAuthToken()
}

// newChatUser mints a token for the user id, as a sign-in would, for
// requests that go into (or show) conversation.
func (d *dataset) newChatUser(id, conversation string) (chatUser, error) {
	tok, err := d.token(id)
	return chatUser{id: id, token: tok, conversation: conversation}, err
}

var (
	koWords = strings.Fields(`다행이라고 생각합니다 우리는 드림즈입니다 야구는 팀으로 하는 겁니다 단장님 우승 트레이드 연봉 협상
		포기하지 마세요 선수 감독 코치 프런트 스토브리그 시즌 전력분석 스카우트 구단주 해체 인생 기회 책임 결과 과정
		이기는 방법 지는 습관 마지막 경기 첫 번째 두 번째 사람 변화 용기 진심 약속 미래 꿈 팬 관중 응원 구장 계약 방출`)
	enWords = strings.Fields(`we are the dreams baseball is a team sport general manager winning trade salary
		negotiation never give up player coach front office season scouting owner dissolve life chance
		responsibility result process habit of losing last game first second people change courage promise future fans`)
	koVocab = vocabulary(koWords, strings.Fields(`가 나 다 라 마 바 사 아 자 차 카 타 파 하 고 노 도 로 모 보 소 오 조 초
		구 누 두 루 무 부 수 우 주 추 기 니 디 리 미 비 시 이 지 치 간 난 단 란 만 반 산 안 잔 찬 한 강 당 상 장 정 성 영 경
		명 생 승 선 전 연 현 인 일 실 신 진 친 말 발 살 날 달 물 불 술 울 들 글 을 는 은 에 서 와 과 의 요 죠 네 게 해 했 할`),
		"", 3000)
	enVocab = vocabulary(enWords, strings.Fields(`ba be bi bo ca ce co da de di do fa fe ga ge go ha he hi ho la le li lo
		ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve wa we ya yo ter ing ment ly`),
		"", 3000)
	speakers  = []string{"백승수", "이세영", "권경민", "한재희", "강두기", "임동규", "Baek Seung-su", "Lee Se-young", "Kwon Kyung-min"}
	questions = []string{
		"다행이라고 한 대사 찾아줘", "우승에 대한 명대사", "트레이드 이야기 했던 장면", "연봉 협상 대사 알려줘",
		"백승수 단장님 명대사", "드림즈 해체 이야기", "포기하지 마세요 누가 말했어?", "야구는 팀으로 하는 거라는 대사",
		"what did Baek say about winning", "the line about the habit of losing", "a quote about trade and salary",
		"who said never give up", "general manager speech in the first episode", "quote about the dreams fans",
		"스토브리그 명대사 추천", "강두기 선수 대사", "what does the owner say about dissolve", "이세영 팀장 대사",
		"the scouting team line", "마지막 경기 대사",
	}
)
