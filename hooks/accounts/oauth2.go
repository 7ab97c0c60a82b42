package accounts

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/migrations"
)

// syncOAuth2Providers writes the client id and secret of every provider
// whose variables are set into the users collection: one entry per
// provider, updated in place (an admin's URL overrides are kept), saved
// only when something changed. A provider whose variables are absent is
// left as the dashboard has it.
func syncOAuth2Providers(app core.App, cfg *config.Config) error {
	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		return err
	}
	changed := false
	for _, p := range cfg.OAuth2Providers() {
		if p.ClientID == "" {
			continue
		}
		i := -1
		for j, existing := range users.OAuth2.Providers {
			if existing.Name == p.Name {
				i = j
				break
			}
		}
		if i < 0 {
			users.OAuth2.Providers = append(users.OAuth2.Providers, core.OAuth2ProviderConfig{Name: p.Name, DisplayName: p.DisplayName})
			i = len(users.OAuth2.Providers) - 1
			changed = true
		}
		pc := &users.OAuth2.Providers[i]
		if pc.ClientId != p.ClientID || pc.ClientSecret != p.Secret {
			pc.ClientId, pc.ClientSecret = p.ClientID, p.Secret
			changed = true
		}
		if !users.OAuth2.Enabled {
			users.OAuth2.Enabled = true
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return app.Save(users)
}

// nicknameFromProvider gives a user created by OAuth2 a nickname from the
// provider: the display name, else the login (Kakao's nickname), else the
// email's local part; cut to the field's 40 characters.
func nicknameFromProvider(e *core.RecordAuthWithOAuth2RequestEvent) error {
	if e.OAuth2User != nil {
		// PocketBase also maps the name into nickname itself
		e.OAuth2User.Name = guard.WithoutControlChars(e.OAuth2User.Name)
	}
	if e.Record != nil || e.OAuth2User == nil {
		return e.Next()
	}
	if e.CreateData == nil {
		e.CreateData = map[string]any{}
	}
	if given, _ := e.CreateData["nickname"].(string); strings.TrimSpace(given) == "" {
		local, _, _ := strings.Cut(e.OAuth2User.Email, "@")
		for _, name := range []string{e.OAuth2User.Name, e.OAuth2User.Username, local} {
			// a provider's name is not ours to refuse: control characters
			// (refused in a nickname) become spaces
			if name = strings.TrimSpace(guard.WithoutControlChars(name)); name != "" {
				e.CreateData["nickname"] = truncateRunes(name, nicknameMax)
				break
			}
		}
	}
	return e.Next()
}
