package hooks

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// oauth2Provider is one provider that environment variables can turn on.
type oauth2Provider struct {
	name, displayName string
	clientID, secret  string
}

func (cfg *Config) oauth2Providers() []oauth2Provider {
	return []oauth2Provider{
		{"github", "GitHub", cfg.GitHubClientID, cfg.GitHubClientSecret},
		{"kakao", "Kakao", cfg.KakaoClientID, cfg.KakaoClientSecret},
	}
}

func bindOAuth2(app core.App, cfg *Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := syncOAuth2Providers(se.App, cfg); err != nil {
			return fmt.Errorf("configuring OAuth2 providers: %w", err)
		}
		return se.Next()
	})
	app.OnRecordAuthWithOAuth2Request(migrations.UsersCollection).BindFunc(nicknameFromProvider)
}

// syncOAuth2Providers writes the client id and secret of every provider
// whose variables are set into the users collection: one entry per
// provider, updated in place (an admin's URL overrides are kept), saved
// only when something changed. A provider whose variables are absent is
// left as the dashboard has it.
func syncOAuth2Providers(app core.App, cfg *Config) error {
	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		return err
	}
	changed := false
	for _, p := range cfg.oauth2Providers() {
		if p.clientID == "" {
			continue
		}
		i := -1
		for j, existing := range users.OAuth2.Providers {
			if existing.Name == p.name {
				i = j
				break
			}
		}
		if i < 0 {
			users.OAuth2.Providers = append(users.OAuth2.Providers, core.OAuth2ProviderConfig{Name: p.name, DisplayName: p.displayName})
			i = len(users.OAuth2.Providers) - 1
			changed = true
		}
		pc := &users.OAuth2.Providers[i]
		if pc.ClientId != p.clientID || pc.ClientSecret != p.secret {
			pc.ClientId, pc.ClientSecret = p.clientID, p.secret
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
		e.OAuth2User.Name = withoutControlChars(e.OAuth2User.Name)
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
			if name = strings.TrimSpace(withoutControlChars(name)); name != "" {
				e.CreateData["nickname"] = truncateRunes(name, nicknameMax)
				break
			}
		}
	}
	return e.Next()
}
