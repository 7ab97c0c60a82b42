package migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ChatCountsTable holds, per user, the number of their chats records and how
// many of them are questions (role "user"). A list of one user's chats reads
// its total here instead of counting the user's index entries, which costs
// milliseconds at 100,000 chats. SQL triggers on chats keep it exact in the
// writing statement's own transaction, whoever writes: the server, the CLI,
// raw SQL, a cascade delete of the user.
const ChatCountsTable = "_stovebot_chat_counts"

// chatCountsTriggers are the triggers on chats that keep ChatCountsTable
// exact, by name.
var chatCountsTriggers = []string{
	ChatCountsTable + "_insert",
	ChatCountsTable + "_delete",
	ChatCountsTable + "_update",
}

func init() {
	m.Register(func(app core.App) error {
		return RebuildChatCounts(app)
	}, func(app core.App) error {
		statements := make([]string, 0, len(chatCountsTriggers)+1)
		for _, name := range chatCountsTriggers {
			statements = append(statements, `DROP TRIGGER IF EXISTS `+name)
		}
		return execAll(app, append(statements, `DROP TABLE IF EXISTS `+ChatCountsTable)...)
	})
}

// RebuildChatCounts creates ChatCountsTable if needed, (re)creates its
// triggers on chats and recounts every user from chats. Run it in a
// transaction, so that no write falls between the recount and the triggers.
func RebuildChatCounts(app core.App) error {
	bump := func(sign, row string) string {
		upsert := `INSERT INTO ` + ChatCountsTable + ` ([[user]], [[chats]], [[questions]])
				VALUES (` + row + `.[[user]], ` + sign + `1, ` + sign + `(` + row + `.[[role]] = 'user'))
				ON CONFLICT ([[user]]) DO UPDATE SET
					[[chats]] = [[chats]] + excluded.[[chats]],
					[[questions]] = [[questions]] + excluded.[[questions]];`
		if sign == "+" {
			return upsert
		}
		// a user without chats has no row, as after the recount
		return upsert + `
			DELETE FROM ` + ChatCountsTable + ` WHERE [[user]] = ` + row + `.[[user]] AND [[chats]] = 0;`
	}
	return execAll(app,
		`CREATE TABLE IF NOT EXISTS `+ChatCountsTable+` (
			[[user]]      TEXT    PRIMARY KEY,
			[[chats]]     INTEGER NOT NULL,
			[[questions]] INTEGER NOT NULL
		) WITHOUT ROWID`,
		`DROP TRIGGER IF EXISTS `+chatCountsTriggers[0],
		`DROP TRIGGER IF EXISTS `+chatCountsTriggers[1],
		`DROP TRIGGER IF EXISTS `+chatCountsTriggers[2],
		`CREATE TRIGGER `+chatCountsTriggers[0]+` AFTER INSERT ON `+ChatsCollection+` BEGIN
			`+bump("+", "NEW")+`
		END`,
		`CREATE TRIGGER `+chatCountsTriggers[1]+` AFTER DELETE ON `+ChatsCollection+` BEGIN
			`+bump("-", "OLD")+`
		END`,
		`CREATE TRIGGER `+chatCountsTriggers[2]+` AFTER UPDATE OF [[user]], [[role]] ON `+ChatsCollection+`
		WHEN OLD.[[user]] IS NOT NEW.[[user]] OR OLD.[[role]] IS NOT NEW.[[role]] BEGIN
			`+bump("-", "OLD")+`
			`+bump("+", "NEW")+`
		END`,
		`DELETE FROM `+ChatCountsTable,
		`INSERT INTO `+ChatCountsTable+` ([[user]], [[chats]], [[questions]])
			SELECT [[user]], count(*), sum([[role]] = 'user') FROM `+ChatsCollection+` GROUP BY [[user]]`,
	)
}

// ChatCountsInStep reports whether all of ChatCountsTable's triggers exist;
// a server calls RebuildChatCounts at start-up when one is missing (dropped
// by hand, or by a restored backup of a database without them).
//
// While they exist, SQLite refuses a change that drops the chats table's
// "user" or "role" column: PocketBase changes a field's column type (a
// multiple select or relation) by adding a column and dropping the old
// one. stovebot needs both fields as they are.
func ChatCountsInStep(app core.App) (bool, error) {
	names := make([]any, len(chatCountsTriggers))
	for i, name := range chatCountsTriggers {
		names[i] = name
	}
	var n int
	err := app.DB().Select("count(*)").From("sqlite_master").
		Where(dbx.HashExp{"type": "trigger", "tbl_name": ChatsCollection}).
		AndWhere(dbx.In("name", names...)).
		Row(&n)
	if err != nil {
		return false, fmt.Errorf("reading the chat count triggers: %w", err)
	}
	return n == len(chatCountsTriggers), nil
}
