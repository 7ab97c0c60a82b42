package chat

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"

	"stovebot/hooks/search"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// Bounds of what goes upstream (SPEC 5.3).
const (
	groundingQuotes = 5    // approved quotes in the system message
	maxAnswerTokens = 1024 // the max_tokens of every request
)

const systemPrompt = `You are stovebot, a finder of famous lines from the Korean drama "Stove League" (스토브리그, SBS, 2019–2020), about Baek Seung-su, the new general manager of the baseball team Dreams (드림즈).
Answer in the language of the user's question. When a line fits, quote it exactly and say who says it and in which episode, if known.
If you are not sure that a line is real, or who says it, say that you are not sure instead of inventing one.`

// buildMessages assembles the upstream conversation: the system prompt with
// the approved quotes that match the question, the conversation's last
// finished messages (earlier, oldest first, see earlierMessages), then the question.
func buildMessages(db dbx.Builder, quotes *search.Index, earlier []upstream.Message, question string) ([]upstream.Message, error) {
	hits, err := quotes.Find(db, question, groundingQuotes)
	if err != nil {
		return nil, err
	}
	system := systemPrompt
	if len(hits) > 0 {
		var b strings.Builder
		b.WriteString(system)
		b.WriteString("\n\nApproved quotes from the quote board that may match the question (best first):\n")
		for i, h := range hits {
			fmt.Fprintf(&b, "%d. %s\n", i+1, formatQuote(h, false))
		}
		system = strings.TrimRight(b.String(), "\n")
	}
	msgs := make([]upstream.Message, 0, len(earlier)+2)
	msgs = append(msgs, upstream.Message{Role: "system", Content: system})
	msgs = append(msgs, earlier...)
	return append(msgs, upstream.Message{Role: "user", Content: question}), nil
}

// contextSQL reads a conversation's last finished exchanges: each done
// question with the answer its reply points at, which after a regeneration
// is the newest of its answers (older ones stay done, but are not context),
// enough of them for n messages, newest first. With before, only those
// asked before a time: a regeneration's context is what the first answer
// had. n is written into the SQL, not bound: SQLite plans a LIMIT with the
// value bound to it, so a bound LIMIT makes every run of the statement
// compile it again (22 µs a run instead of 14 in a Go benchmark on make
// bench's data). n comes from the configuration, so there is one statement
// of each kind. (SQLite would also plan anew for each user if sqlite_stat4
// held samples of chats; PocketBase's PRAGMA optimize leaves it empty, and
// only a manual full ANALYZE fills it.)
func contextSQL(n int, before bool) string {
	var earlier string
	if before {
		earlier = ` AND q."created" < ?`
	}
	return `SELECT q."content", a."content" FROM ` + migrations.ChatsCollection + ` q
	JOIN ` + migrations.ChatsCollection + ` a ON a."id" = q."reply"
	WHERE q."conversation" = ? AND q."role" = 'user' AND q."status" = 'done'` + earlier + `
	ORDER BY q."created" DESC LIMIT ` + strconv.Itoa((n+1)/2)
}

// earlierMessages returns at most n messages of a conversation's last
// finished exchanges, oldest first, with query (contextSQL) and its
// arguments in tx.
func earlierMessages(tx *sql.Tx, query string, n int, args ...any) ([]upstream.Message, error) {
	rows, err := tx.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading context: %w", err)
	}
	defer rows.Close()
	msgs := make([]upstream.Message, 0, n+1)
	for rows.Next() {
		var question, answer string
		if err := rows.Scan(&question, &answer); err != nil {
			return nil, fmt.Errorf("reading context: %w", err)
		}
		// reversed below
		msgs = append(msgs, upstream.Message{Role: RoleAssistant, Content: answer}, upstream.Message{Role: RoleUser, Content: question})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading context: %w", err)
	}
	slices.Reverse(msgs)
	if len(msgs) > n {
		msgs = msgs[len(msgs)-n:] // an odd n: the oldest question goes
	}
	return msgs, nil
}

// formatQuote writes a quote as “content” — speaker (episode).
func formatQuote(h search.Hit, korean bool) string {
	s := "“" + h.Content + "”"
	var who []string
	if h.Speaker != "" {
		who = append(who, h.Speaker)
	}
	if h.Episode > 0 {
		if korean {
			who = append(who, fmt.Sprintf("(%d화)", h.Episode))
		} else {
			who = append(who, fmt.Sprintf("(episode %d)", h.Episode))
		}
	}
	if len(who) > 0 {
		s += " — " + strings.Join(who, " ")
	}
	return s
}

// opaqueUser is the OpenAI `user` value for a user: stable, and not their id.
func opaqueUser(userID string) string {
	sum := sha256.Sum256([]byte("stovebot-user:" + userID))
	return hex.EncodeToString(sum[:16])
}

// isKorean reports whether text contains Hangul.
func isKorean(text string) bool {
	return strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
}
