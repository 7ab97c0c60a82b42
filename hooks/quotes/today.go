package quotes

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/migrations"
)

const todayPath = "/api/quotes/today"

// dayLayout is a local day as the line of the day remembers it.
const dayLayout = "2006-01-02"

// bindToday serves GET /api/quotes/today: the line of the day, one
// approved quote, the same for every caller for the whole local day.
func bindToday(app core.App, cfg *config.Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET(todayPath, func(e *core.RequestEvent) error {
			day := cfg.Now().In(cfg.Location()).Format(dayLayout)
			r, err := quoteOfTheDay(e.App, day)
			switch {
			case errors.Is(err, errNoQuote):
				return e.NotFoundError("No quote has been approved yet.", nil)
			case err != nil:
				return e.InternalServerError("", err)
			}
			if err := apis.EnrichRecord(e, r); err != nil {
				return e.InternalServerError("", err)
			}
			return e.JSON(http.StatusOK, r)
		}).Bind(apis.SkipSuccessActivityLog())
		guard.RefuseOtherMethods(se.Router, todayPath, http.MethodGet)
		return se.Next()
	})
}

// errNoQuote is quoteOfTheDay's error when no quote is approved.
var errNoQuote = errors.New("no approved quote")

// quoteOfTheDay returns the quote remembered for day while it is still
// approved; otherwise it picks one at random among the approved quotes
// (not the day before's, when there is another) and remembers it. The
// pick is one transaction, so callers at the same moment agree.
func quoteOfTheDay(app core.App, day string) (*core.Record, error) {
	if r := remembered(app, day); r != nil {
		return r, nil
	}
	var picked *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		if picked = remembered(tx, day); picked != nil {
			return nil // picked by another caller meanwhile
		}
		var id string
		err := tx.DB().NewQuery(`SELECT id FROM quotes WHERE is_apply = TRUE
			ORDER BY id IN (SELECT [[quote]] FROM ` + migrations.QuoteOfTheDayTable + ` WHERE [[day]] < {:day}), random() LIMIT 1`).
			Bind(dbx.Params{"day": day}).Row(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoQuote
		}
		if err != nil {
			return fmt.Errorf("picking the line of the day: %w", err)
		}
		if _, err := tx.DB().NewQuery(`DELETE FROM ` + migrations.QuoteOfTheDayTable).Execute(); err != nil {
			return fmt.Errorf("forgetting the earlier lines of the day: %w", err)
		}
		if _, err := tx.DB().Insert(migrations.QuoteOfTheDayTable, dbx.Params{"day": day, "quote": id}).Execute(); err != nil {
			return fmt.Errorf("remembering the line of the day: %w", err)
		}
		picked, err = tx.FindRecordById(migrations.QuotesCollection, id)
		return err
	})
	return picked, err
}

// remembered is the quote remembered for day, or nil when there is none or
// it is no longer approved.
func remembered(app core.App, day string) *core.Record {
	var id string
	err := app.DB().NewQuery(`SELECT [[quote]] FROM ` + migrations.QuoteOfTheDayTable + ` WHERE [[day]] = {:day}`).
		Bind(dbx.Params{"day": day}).Row(&id)
	if err != nil {
		return nil
	}
	r, err := app.FindRecordById(migrations.QuotesCollection, id)
	if err != nil || !r.GetBool("is_apply") {
		return nil
	}
	return r
}
