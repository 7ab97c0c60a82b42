// Package migrations creates stovebot's data model (SPEC section 2) with
// PocketBase's typed collection builders. Each file is one change; the API
// rules live here as named constants so that the code, the tests and the
// dashboard all read the same text.
package migrations

// Rules of the users collection. A user sees and edits only themself and can
// never write the fields that an administrator owns.
const (
	UsersListRule   = "id = @request.auth.id"
	UsersViewRule   = "id = @request.auth.id"
	UsersCreateRule = usersNoAdminFields
	UsersUpdateRule = "id = @request.auth.id && " + usersNoAdminFields
	UsersDeleteRule = "id = @request.auth.id"

	usersNoAdminFields = usersNoAdminFieldsV1 + " && @request.body.moderator:isset = false"
)

// Rules of the chats collection. Only the server writes chats (so nobody can
// bypass the daily limit by creating records); owners read and delete.
const (
	ChatsListRule   = "user = @request.auth.id"
	ChatsViewRule   = "user = @request.auth.id"
	ChatsDeleteRule = "user = @request.auth.id"
)

// Rules of the quotes collection. Approved quotes are public, a pending or
// rejected quote is visible to its author and to moderators, and the author
// may change it only while it is not approved. Moderators also approve,
// reject with a reason and edit; superusers pass every rule. The create rule
// is checked against the submitted record, so a client sends its own id as
// `user`. applied_at and rejected_at are the server's: no client sets them.
const (
	QuotesListRule   = QuotesAuthorViewRule + " || (" + moderatorAuth + ")"
	QuotesViewRule   = QuotesListRule
	QuotesCreateRule = "@request.auth.collectionName = 'users' && user = @request.auth.id && " +
		"is_apply = false && applied_at = '' && rejected_reason = '' && rejected_at = ''"
	QuotesUpdateRule = "(" + QuotesAuthorUpdateRule + ") || (" + quotesModeratorUpdateRule + ")"
	QuotesDeleteRule = "@request.auth.collectionName = 'users' && user = @request.auth.id && is_apply = false"

	// QuotesAuthorViewRule is what a user who is not a moderator sees:
	// approved quotes and their own. The legacy /quote API shows exactly
	// this to everyone, moderators included (SPEC section 6).
	QuotesAuthorViewRule = "is_apply = true || (user != '' && user = @request.auth.id)"

	// QuotesAuthorUpdateRule is the author's edit of a quote not yet
	// approved, the only edit the legacy /quote API makes.
	QuotesAuthorUpdateRule = "@request.auth.collectionName = 'users' && user = @request.auth.id && is_apply = false && " +
		"@request.body.is_apply:isset = false && @request.body.rejected_reason:isset = false && " +
		quotesNoServerFields + " && " +
		"(@request.body.user:isset = false || @request.body.user = @request.auth.id)"

	quotesModeratorUpdateRule = moderatorAuth + " && " + quotesNoServerFields + " && " +
		"(@request.body.user:isset = false || @request.body.user = user)"

	quotesNoServerFields = "@request.body.applied_at:isset = false && @request.body.rejected_at:isset = false"

	// moderatorAuth holds for a signed-in user whose moderator flag a
	// superuser has set.
	moderatorAuth = "@request.auth.collectionName = 'users' && @request.auth.moderator = true"
)

// The rules as the first migration created them, before the moderator
// flag and the rejection fields existed (a rule may name only fields that
// exist when it is saved).
const (
	usersNoAdminFieldsV1 = "@request.body.daily_limit:isset = false && " +
		"@request.body.blocked:isset = false && " +
		"@request.body.ip_address:isset = false && " +
		"@request.body.last_login:isset = false"
	usersCreateRuleV1 = usersNoAdminFieldsV1
	usersUpdateRuleV1 = "id = @request.auth.id && " + usersNoAdminFieldsV1

	quotesListRuleV1   = QuotesAuthorViewRule
	quotesCreateRuleV1 = "@request.auth.collectionName = 'users' && user = @request.auth.id && " +
		"is_apply = false && applied_at = ''"
	quotesUpdateRuleV1 = "@request.auth.collectionName = 'users' && user = @request.auth.id && is_apply = false && " +
		"@request.body.is_apply:isset = false && @request.body.applied_at:isset = false && " +
		"(@request.body.user:isset = false || @request.body.user = @request.auth.id)"
)

// Rules of the conversations collection. The server makes conversations
// (POST /api/chat); their owner lists, views, renames and deletes them,
// and can never give one to another user (a body that sends back the
// record as read, user unchanged, passes).
const (
	ConversationsListRule   = "user = @request.auth.id"
	ConversationsViewRule   = "user = @request.auth.id"
	ConversationsUpdateRule = "user = @request.auth.id && (@request.body.user:isset = false || @request.body.user = user)"
	ConversationsDeleteRule = "user = @request.auth.id"

	// APIKeysListRule and the others: a user's API keys are theirs alone;
	// only the server creates them (POST /api/keys), and nobody updates
	// them through the API.
	APIKeysListRule   = "user = @request.auth.id"
	APIKeysViewRule   = "user = @request.auth.id"
	APIKeysDeleteRule = "user = @request.auth.id"
)
