// Package accounts is what stovebot adds to PocketBase's users: sign-up
// and sign-in rules, emails without case, OAuth2 providers from the
// environment, signing out everywhere (POST /api/logout-all), refusing
// revoked tokens, and the fields only an administrator may write.
package accounts

import (
	"fmt"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/migrations"
)

// Bind binds the users' hooks and routes to app.
func Bind(app core.App, cfg *config.Config) {
	users := migrations.UsersCollection
	app.OnRecordCreateRequest(users).BindFunc(requireEmailForSignUp)
	app.OnRecordCreate(users).BindFunc(defaultNickname)
	app.OnRecordUpdate(users).BindFunc(defaultNickname)
	app.OnRecordAuthRequest(users).BindFunc(recordSignIn)
	app.OnRecordDelete(users).BindFunc(releaseUserData)
	app.OnRecordAuthWithOAuth2Request(users).BindFunc(providerEmailAsStored)
	app.OnRecordRequestEmailChangeRequest(users).BindFunc(refuseCaseOnlyEmailChange)
	app.OnRecordValidate(users).BindFunc(refuseLongPassword)
	app.OnRecordValidate(users).BindFunc(guard.RefuseControlChars)
	app.OnRecordAuthWithOAuth2Request(users).BindFunc(nicknameFromProvider)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := syncOAuth2Providers(se.App, cfg); err != nil {
			return fmt.Errorf("configuring OAuth2 providers: %w", err)
		}
		// every route: the records API's are told apart by their path values
		se.Router.BindFunc(refuseInvalidTokens)
		se.Router.BindFunc(refuseAdminFields)

		se.Router.POST("/api/logout-all", LogoutAll).
			Bind(apis.RequireAuth(), guard.LimitBody())
		guard.RefuseOtherMethods(se.Router, "/api/logout-all", "POST")
		return se.Next()
	})
}
