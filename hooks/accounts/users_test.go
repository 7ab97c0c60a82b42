package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
)

func TestPasswordSignUpDefaultsNickname(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name:            "nickname from the email's local part",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/records",
			Body:            strings.NewReader(`{"email":"baek.seungsu@dreams.kr","password":"password123","passwordConfirm":"password123"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"baek.seungsu"`},
			TestAppFactory:  func(t testing.TB) *tests.TestApp { return hookstest.NewApp(t) },
		},
		{
			Name:            "email required for password sign-up",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/records",
			Body:            strings.NewReader(`{"password":"password123","passwordConfirm":"password123"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"email":{"code":"validation_required"`},
			TestAppFactory:  func(t testing.TB) *tests.TestApp { return hookstest.NewApp(t) },
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
