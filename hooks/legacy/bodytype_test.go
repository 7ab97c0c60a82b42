package legacy_test

import (
	"io"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/guard"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The legacy API reads a body as POST /api/chat does (SPEC 13.4): JSON
// declared as application/json, as text/plain or not at all, and, as DRF
// did, a form; any other declared type is the same 415.
func TestLegacyBodyTypeScenarios(t *testing.T) {
	t.Parallel()
	const (
		loginJSON = `{"email":"bob@example.com","password":"password123"}`
		loginForm = `email=bob%40example.com&password=password123`
		multipart = "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nbob@example.com\r\n" +
			"--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npassword123\r\n--b--\r\n"
	)
	alice := "Bearer " + hookstest.LegacyAliceToken
	scenarios := []struct {
		method, url, auth, contentType, body string
		status                               int
		expect                               string
	}{
		{"POST", "/accounts/login", "", "application/json", loginJSON, 200, `"token":"`},
		{"POST", "/accounts/login", "", "", loginJSON, 200, `"token":"`},
		{"POST", "/accounts/login", "", "text/plain;charset=UTF-8", loginJSON, 200, `"token":"`},
		{"POST", "/accounts/login", "", "Application/JSON", loginJSON, 200, `"token":"`},
		{"POST", "/accounts/login", "", "application/x-www-form-urlencoded", loginForm, 200, `"token":"`},
		{"POST", "/accounts/login", "", "multipart/form-data; boundary=b", multipart, 200, `"token":"`},
		{"POST", "/accounts/login", "", "application/xml", `<email>bob@example.com</email>`, 415, "Content-Type: application/json"},
		{"POST", "/accounts/login", "", "text/html", loginJSON, 415, "Content-Type: application/json"},
		{"POST", "/chat", alice, "text/plain;charset=UTF-8", `{"content":"다행"}`, 201, `"chat_reply":{`},
		{"POST", "/chat", alice, "", `{"content":"다행"}`, 201, `"chat_reply":{`},
		{"POST", "/chat", alice, "application/xml", `<content>다행</content>`, 415, "Content-Type: application/json"},
		{"PUT", "/quote/" + hookstest.LegacyAlicePend, alice, "text/plain", `{"content":"edited"}`, 200, `"content":"edited"`},
		{"PUT", "/quote/" + hookstest.LegacyAlicePend, alice, "image/png", `{"content":"edited"}`, 415, "Content-Type: application/json"},
	}
	for _, sc := range scenarios {
		headers := map[string]string{"Content-Type": sc.contentType}
		if sc.auth != "" {
			headers["Authorization"] = sc.auth
		}
		s := tests.ApiScenario{
			Name:   sc.method + " " + sc.url + " as " + sc.contentType,
			Method: sc.method, URL: sc.url, Headers: headers, Body: strings.NewReader(sc.body),
			ExpectedStatus: sc.status, ExpectedContent: []string{sc.expect},
			TestAppFactory: func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) },
		}
		if sc.status == 415 {
			s.AfterTestFunc = hookstest.Checks(
				hookstest.LegacyRecordCount(migrations.ChatsCollection, 5),
				hookstest.DBField(migrations.QuotesCollection, hookstest.LegacyAlicePend, "content", "Alice's pending quote"),
			)
		}
		s.Test(t)
	}
}

// Every stovebot route refuses a body over 1 MiB with the same 413, with
// a Content-Length or without, and over PocketBase's own 32 MiB limit too.
func TestOneBodyLimitMessage(t *testing.T) {
	t.Parallel()
	over := func(n int) string { return `{"content":"` + strings.Repeat("a", n) + `"}` }
	message := `"message":"` + guard.BodyTooLarge().Message + `"`
	alice := hookstest.LegacyAuth(hookstest.LegacyAliceToken)
	scenarios := []struct {
		name, method, url string
		body              io.Reader
	}{
		{"POST /api/chat", "POST", "/api/chat", strings.NewReader(over(guard.MaxBodyBytes))},
		{"POST /api/chat without a Content-Length", "POST", "/api/chat", io.MultiReader(strings.NewReader(over(guard.MaxBodyBytes)))},
		{"POST /api/chat over 32 MiB", "POST", "/api/chat", strings.NewReader(over(33 << 20))},
		{"POST /chat", "POST", "/chat", strings.NewReader(over(guard.MaxBodyBytes))},
		{"POST /chat without a Content-Length", "POST", "/chat", io.MultiReader(strings.NewReader(over(guard.MaxBodyBytes)))},
		{"PUT /quote/ID over 32 MiB", "PUT", "/quote/" + hookstest.LegacyAlicePend, strings.NewReader(over(33 << 20))},
		{"POST /accounts/join", "POST", "/accounts/join", strings.NewReader(over(guard.MaxBodyBytes))},
	}
	for _, sc := range scenarios {
		s := tests.ApiScenario{
			Name: sc.name, Method: sc.method, URL: sc.url, Headers: alice, Body: sc.body,
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`, message},
			TestAppFactory: func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) },
			AfterTestFunc:  hookstest.LegacyRecordCount(migrations.ChatsCollection, 5),
		}
		s.Test(t)
	}
}
