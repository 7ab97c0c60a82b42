package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Personal API keys (SPEC 13.3): a user's keys for /v1/*, stored as the
// SHA-256 of the key. Only the server creates them (POST /api/keys), so the
// key is shown once and the limit of APIKeysMax holds; owners list, view
// and delete them.
const (
	APIKeysCollection = "api_keys"

	// APIKeysMax is how many keys a user may have.
	APIKeysMax = 10
	// APIKeyNameMax bounds a key's name.
	APIKeyNameMax = 50
	// APIKeyPrefixChars is how much of a key is kept in clear, to tell
	// keys apart in a list.
	APIKeyPrefixChars = 12
)

func init() {
	m.Register(upAPIKeys, downAPIKeys)
}

func upAPIKeys(app core.App) error {
	if _, err := app.FindCollectionByNameOrId(APIKeysCollection); err == nil {
		return nil // already there: a second run changes nothing
	}
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	keys := core.NewBaseCollection(APIKeysCollection)
	keys.ListRule = types.Pointer(APIKeysListRule)
	keys.ViewRule = types.Pointer(APIKeysViewRule)
	keys.DeleteRule = types.Pointer(APIKeysDeleteRule)
	keys.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, CascadeDelete: true, MaxSelect: 1},
		&core.TextField{Name: "name", Required: true, Max: APIKeyNameMax},
		&core.TextField{Name: "prefix", Required: true, Max: APIKeyPrefixChars},
		// the SHA-256 of the key, in hex: never returned, not even to superusers' API lists
		&core.TextField{Name: "hash", Required: true, Hidden: true, Min: 64, Max: 64},
		&core.DateField{Name: "expires"},
		&core.DateField{Name: "last_used"},
		// the id of the conversation its calls are saved in (made at the
		// first call, and again if it is deleted): text, not a relation,
		// so that the conversations' migration keeps its down step
		&core.TextField{Name: "conversation", Max: 15},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	keys.AddIndex("idx_api_keys_hash", true, "`hash`", "")
	keys.AddIndex("idx_api_keys_user", false, "`user`", "")
	return app.Save(keys)
}

func downAPIKeys(app core.App) error {
	keys, err := app.FindCollectionByNameOrId(APIKeysCollection)
	if err != nil {
		return nil // not there
	}
	return app.Delete(keys)
}
