package accounts

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Emails are matched without regard to ASCII case (the users' email index
// is NOCASE, see migrations.EmailCollation). Two of PocketBase's checks
// still compare with case; providerEmailAsStored and
// refuseCaseOnlyEmailChange line them up.

// providerEmailAsStored gives the provider's email the account's spelling
// when the two differ only in case. PocketBase links the account found by
// email (NOCASE) but verifies it only on an exact match, and an unverified
// account gets a new random password and loses its other links at every
// OAuth2 sign-in: it would never stop.
func providerEmailAsStored(e *core.RecordAuthWithOAuth2RequestEvent) error {
	if e.Record != nil && e.OAuth2User != nil && e.Record.Email() != e.OAuth2User.Email &&
		sameEmail(e.Record.Email(), e.OAuth2User.Email) {
		e.OAuth2User.Email = e.Record.Email()
	}
	return e.Next()
}

// refuseCaseOnlyEmailChange answers 400 to a change of the email to
// itself in another case. PocketBase would send the confirmation mail, and
// then refuse the confirmation, because the address is taken (by the user).
func refuseCaseOnlyEmailChange(e *core.RecordRequestEmailChangeRequestEvent) error {
	if sameEmail(e.Record.Email(), e.NewEmail) {
		return e.BadRequestError("This is already your email address (its case does not matter).", validation.Errors{
			"newEmail": validation.NewError("validation_same_email", "This is already your email address."),
		})
	}
	return e.Next()
}

// sameEmail reports whether a and b are equal but for the case of ASCII
// letters, as SQLite's NOCASE compares them.
func sameEmail(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
