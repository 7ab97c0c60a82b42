package migrations

import (
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/dbutils"
)

// EmailCollation is the collation of the users' unique email index.
// PocketBase matches an email at sign-in, password reset and OAuth2
// sign-in without regard to case when that index is NOCASE, and the index
// then also refuses a second account that differs from another only in
// case. (NOCASE folds ASCII letters only, as SQLite does.)
const EmailCollation = "NOCASE"

func init() {
	m.Register(func(app core.App) error {
		return SetEmailCollation(app, EmailCollation)
	}, func(app core.App) error {
		return SetEmailCollation(app, "")
	})
}

// SetEmailCollation rebuilds the users' unique email index with collate
// ("" for SQLite's default, case-sensitive). To NOCASE, it changes nothing
// while two accounts differ only in the case of their email, since the
// index could not be built: it logs them instead, and the index can be
// changed in the dashboard once they are resolved.
func SetEmailCollation(app core.App, collate string) error {
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	for i, raw := range users.Indexes {
		index := dbutils.ParseIndex(raw)
		if !index.Unique || len(index.Columns) != 1 || !strings.EqualFold(index.Columns[0].Name, core.FieldNameEmail) {
			continue
		}
		if strings.EqualFold(index.Columns[0].Collate, collate) {
			return nil
		}
		if strings.EqualFold(collate, "NOCASE") {
			clashes, err := EmailsDifferingInCase(app)
			if err != nil {
				return err
			}
			if len(clashes) > 0 {
				msg := "users: email addresses are still matched with their case, because some accounts differ only in it; " +
					"resolve these, then add COLLATE NOCASE to the email index of users in the dashboard"
				app.Logger().Warn(msg, "emails", clashes)
				fmt.Fprintf(os.Stderr, "%s: %s\n", msg, strings.Join(clashes, ", "))
				return nil
			}
		}
		index.Columns[0].Collate = collate
		users.Indexes[i] = index.Build()
		return app.Save(users)
	}
	return nil
}

// EmailIndexCollation returns the collation of the users' unique email
// index ("" for SQLite's default).
func EmailIndexCollation(app core.App) (string, error) {
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return "", err
	}
	index, ok := dbutils.FindSingleColumnUniqueIndex(users.Indexes, core.FieldNameEmail)
	if !ok {
		return "", fmt.Errorf("users has no unique email index")
	}
	return strings.ToUpper(index.Columns[0].Collate), nil
}

// EmailsDifferingInCase returns one email of each group of accounts whose
// emails are equal but for case.
func EmailsDifferingInCase(app core.App) ([]string, error) {
	var emails []string
	err := app.DB().NewQuery(`SELECT MIN([[email]]) FROM ` + UsersCollection + `
		WHERE [[email]] != '' GROUP BY [[email]] COLLATE NOCASE HAVING COUNT(*) > 1`).Column(&emails)
	return emails, err
}
