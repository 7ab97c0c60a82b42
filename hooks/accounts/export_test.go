package accounts

// Internals that the tests of package accounts_test reach.
var (
	SameEmail           = sameEmail
	SyncOAuth2Providers = syncOAuth2Providers
)
