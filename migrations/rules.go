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

	usersNoAdminFields = "@request.body.daily_limit:isset = false && " +
		"@request.body.blocked:isset = false && " +
		"@request.body.ip_address:isset = false && " +
		"@request.body.last_login:isset = false"
)

// Rules of the chats collection. Only the server writes chats (so nobody can
// bypass the daily limit by creating records); owners read and delete.
const (
	ChatsListRule   = "user = @request.auth.id"
	ChatsViewRule   = "user = @request.auth.id"
	ChatsDeleteRule = "user = @request.auth.id"
)

// Rules of the quotes collection. Approved quotes are public, a pending quote
// is visible to its author, and the author may change it only while pending.
// The create rule is checked against the submitted record, so a client sends
// its own id as `user`.
const (
	QuotesListRule   = "is_apply = true || (user != '' && user = @request.auth.id)"
	QuotesViewRule   = QuotesListRule
	QuotesCreateRule = "@request.auth.collectionName = 'users' && user = @request.auth.id && " +
		"is_apply = false && applied_at = ''"
	QuotesUpdateRule = "@request.auth.collectionName = 'users' && user = @request.auth.id && is_apply = false && " +
		"@request.body.is_apply:isset = false && @request.body.applied_at:isset = false && " +
		"(@request.body.user:isset = false || @request.body.user = @request.auth.id)"
	QuotesDeleteRule = "@request.auth.collectionName = 'users' && user = @request.auth.id && is_apply = false"
)
