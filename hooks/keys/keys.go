// Package keys is the users' personal API keys (SPEC 13.3): POST /api/keys
// makes one and shows it once; the records API lists, views and deletes
// them (the rules in migrations); /v1/* requests authenticate with them
// (Authenticate). A key is stored as its SHA-256, with its first
// characters in clear to tell keys apart.
package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/migrations"
)

// Prefix starts every key; secretChars base62 characters follow it.
const (
	Prefix      = "sk-sb-"
	secretChars = 40
	base62      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// Bind serves POST /api/keys, and keeps the keys' hashes out of every
// answer, superusers' included.
func Bind(app core.App, cfg *config.Config) {
	app.OnRecordEnrich(migrations.APIKeysCollection).BindFunc(func(e *core.RecordEnrichEvent) error {
		err := e.Next() // PocketBase shows superusers the hidden fields here
		e.Record.Hide("hash")
		return err
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/keys", func(e *core.RequestEvent) error { return create(e, cfg) }).
			Bind(apis.RequireAuth(migrations.UsersCollection), guard.LimitBody())
		guard.RefuseOtherMethods(se.Router, "/api/keys", "POST")
		return se.Next()
	})
}

// newKey returns a new key: Prefix and secretChars random base62
// characters.
func newKey() (string, error) {
	b := make([]byte, 0, len(Prefix)+secretChars)
	b = append(b, Prefix...)
	limit := big.NewInt(int64(len(base62)))
	for range secretChars {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return "", err
		}
		b = append(b, base62[n.Int64()])
	}
	return string(b), nil
}

// Hash is how a key is stored: its SHA-256, in hex.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// createRequest is the body of POST /api/keys.
type createRequest struct {
	Name    string
	Expires string // "" for none
}

func readCreateRequest(e *core.RequestEvent) (createRequest, error) {
	var req createRequest
	raw, _, err := guard.ReadJSONObject(e.Request)
	if err != nil {
		return req, err
	}
	if _, err := guard.JSONField(raw, "name", &req.Name); err != nil {
		return req, guard.FieldError("name", "validation_invalid_type", "name must be text.")
	}
	if _, err := guard.JSONField(raw, "expires", &req.Expires); err != nil {
		return req, guard.FieldError("expires", "validation_invalid_type", "expires must be a date such as 2027-01-31, as text.")
	}
	return req, nil
}

// parseExpiry reads an expiry: a day (YYYY-MM-DD, the key works through
// that day in the configured zone) or an RFC 3339 time. It must be later
// than now.
func parseExpiry(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err == nil {
		t = t.AddDate(0, 0, 1) // the end of that day
	} else if t, err = time.Parse(time.RFC3339, s); err != nil {
		return time.Time{}, guard.FieldError("expires", "validation_invalid_date", "expires must be a date such as 2027-01-31, or a time such as 2027-01-31T18:00:00+09:00.")
	}
	if !t.After(now) {
		return time.Time{}, guard.FieldError("expires", "validation_past_date", "expires must be in the future.")
	}
	return t.UTC(), nil
}

// create is POST /api/keys: the caller's new key, shown in this answer
// only. The count of the user's keys and the insert are one transaction,
// so no burst of requests gets past APIKeysMax.
func create(e *core.RequestEvent, cfg *config.Config) error {
	req, err := readCreateRequest(e)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(req.Name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return guard.FieldError("name", "validation_required", "Give the key a name, such as the app or the computer that will use it.")
	case n > migrations.APIKeyNameMax:
		return guard.FieldError("name", "validation_max_text_constraint", "A key's name can have at most 50 characters.")
	case guard.HasControlChar(name):
		return guard.FieldError("name", "validation_control_characters", "A key's name cannot hold control characters.")
	}
	var expires time.Time
	if req.Expires != "" {
		if expires, err = parseExpiry(req.Expires, cfg.Location(), cfg.Now()); err != nil {
			return err
		}
	}
	key, err := newKey()
	if err != nil {
		return e.InternalServerError("", err)
	}

	var rec *core.Record
	errTooMany := errors.New("too many keys")
	err = e.App.RunInTransaction(func(txApp core.App) error {
		n, err := txApp.CountRecords(migrations.APIKeysCollection, dbx.HashExp{"user": e.Auth.Id})
		if err != nil {
			return err
		}
		if n >= migrations.APIKeysMax {
			return errTooMany
		}
		collection, err := txApp.FindCachedCollectionByNameOrId(migrations.APIKeysCollection)
		if err != nil {
			return err
		}
		rec = core.NewRecord(collection)
		rec.Set("user", e.Auth.Id)
		rec.Set("name", name)
		rec.Set("prefix", key[:migrations.APIKeyPrefixChars])
		rec.Set("hash", Hash(key))
		if !expires.IsZero() {
			rec.Set("expires", expires)
		}
		return txApp.Save(rec)
	})
	switch {
	case errors.Is(err, errTooMany):
		return e.BadRequestError("You have 10 API keys, the most one account can have; delete one first.", nil)
	case err != nil:
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusCreated, map[string]any{
		"id":      rec.Id,
		"name":    rec.GetString("name"),
		"prefix":  rec.GetString("prefix"),
		"expires": rec.GetDateTime("expires"),
		"created": rec.GetDateTime("created"),
		"key":     key,
	})
}

// Errors of Authenticate.
var (
	ErrNoCredentials = errors.New("no API key")
	ErrInvalidKey    = errors.New("invalid API key")
	ErrExpiredKey    = errors.New("expired API key")
	ErrBlocked       = errors.New("blocked user")
	ErrNotAUser      = errors.New("not a user")
)

// Caller is who a /v1 request acts for: a user, and the key they used
// (nil for a user token).
type Caller struct {
	User *core.Record
	Key  *core.Record
}

// lastUsedEvery is how often a key's last_used is written: not at every
// call, which would be one more write per chat request.
const lastUsedEvery = time.Minute

// Authenticate returns the caller of a /v1 request: a key sent as
// `Authorization: Bearer KEY`, or a user token that PocketBase has read
// into e.Auth. A key's user becomes e.Auth. The errors above say why not.
func Authenticate(e *core.RequestEvent, now time.Time) (Caller, error) {
	token := strings.TrimSpace(e.Request.Header.Get("Authorization"))
	if len(token) > 7 && strings.EqualFold(token[:7], "Bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if !strings.HasPrefix(token, Prefix) {
		switch {
		case e.Auth == nil && token == "":
			return Caller{}, ErrNoCredentials
		case e.Auth == nil:
			return Caller{}, ErrInvalidKey
		case e.Auth.Collection().Name != migrations.UsersCollection:
			return Caller{}, ErrNotAUser
		case e.Auth.GetBool("blocked"):
			return Caller{}, ErrBlocked
		}
		return Caller{User: e.Auth}, nil
	}
	key, err := e.App.FindFirstRecordByData(migrations.APIKeysCollection, "hash", Hash(token))
	if err != nil {
		return Caller{}, ErrInvalidKey
	}
	if exp := key.GetDateTime("expires"); !exp.IsZero() && !now.Before(exp.Time()) {
		return Caller{}, ErrExpiredKey
	}
	user, err := e.App.FindRecordById(migrations.UsersCollection, key.GetString("user"))
	if err != nil {
		return Caller{}, ErrInvalidKey
	}
	if user.GetBool("blocked") {
		return Caller{}, ErrBlocked
	}
	if last := key.GetDateTime("last_used"); last.IsZero() || now.Sub(last.Time()) >= lastUsedEvery {
		at, _ := types.ParseDateTime(now)
		key.SetRaw("last_used", at)
		// plain SQL: no record events for a timestamp
		if _, err := e.App.DB().Update(migrations.APIKeysCollection, dbx.Params{"last_used": at.String()},
			dbx.HashExp{"id": key.Id}).Execute(); err != nil {
			e.App.Logger().Warn("keys: recording a key's use", "key", key.Id, "error", err)
		}
	}
	e.Auth = user
	return Caller{User: user, Key: key}, nil
}
