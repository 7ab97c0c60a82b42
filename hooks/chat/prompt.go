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

// contextSQL reads a conversation's last n finished messages. n is written into
// the SQL, not bound: SQLite plans a LIMIT with the value bound to it, so
// a bound LIMIT makes every run of the statement compile it again (22 µs
// a run instead of 14 in a Go benchmark on make bench's data). n comes from the configuration, so there is one statement.
// (SQLite would also plan anew for each user if sqlite_stat4 held samples
// of chats; PocketBase's PRAGMA optimize leaves it empty, and only a
// manual full ANALYZE fills it.)
func contextSQL(n int) string {
	return `SELECT "role", "content" FROM ` + migrations.ChatsCollection + `
	WHERE "conversation" = ? AND "status" = 'done' ORDER BY "created" DESC LIMIT ` + strconv.Itoa(n)
}

// earlierMessages returns a conversation's last finished messages, oldest
// first, with query (contextSQL) in tx.
func earlierMessages(tx *sql.Tx, query, conversationID string) ([]upstream.Message, error) {
	rows, err := tx.Query(query, conversationID)
	if err != nil {
		return nil, fmt.Errorf("reading context: %w", err)
	}
	defer rows.Close()
	var msgs []upstream.Message
	for rows.Next() {
		var m upstream.Message
		if err := rows.Scan(&m.Role, &m.Content); err != nil {
			return nil, fmt.Errorf("reading context: %w", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading context: %w", err)
	}
	slices.Reverse(msgs)
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
