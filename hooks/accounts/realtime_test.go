package accounts_test

import (
	"net/http"
	"testing"

	"stovebot/hooks/hookstest"
)

// A user's realtime subscription to users hears of their own record only.
func TestUsersRealtime(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	srv := hookstest.StartServer(t, app)
	su := hookstest.NewSuperuser(t, app)
	// approved quotes too, so that one last quote shows that nothing else came before it
	topics := []string{"users/*", "quotes/*"}
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topics...)
	owner := hookstest.Subscribe(t, srv.URL, "owner", hookstest.UserToken(t, app, hookstest.OwnerID), topics...)
	other := hookstest.Subscribe(t, srv.URL, "another user", hookstest.UserToken(t, app, hookstest.OtherID), topics...)

	limit := func(id, body string) {
		t.Helper()
		if res, text := hookstest.Do(t, http.MethodPatch, srv.URL+"/api/collections/users/records/"+id, su, body); res.StatusCode != http.StatusOK {
			t.Fatalf("expected 200, got %d %s", res.StatusCode, text)
		}
	}
	limit(hookstest.OwnerID, `{"daily_limit":20}`)
	e := owner.Expect(t, "users/* update "+hookstest.OwnerID)[0]
	if e.Record["daily_limit"] != 20.0 || e.Record["ip_address"] != nil {
		t.Fatalf("expected the new limit without the hidden ip, got %v", e.Record)
	}
	limit(hookstest.OtherID, `{"daily_limit":30}`)
	other.Expect(t, "users/* update "+hookstest.OtherID)

	res, body := hookstest.Do(t, http.MethodPatch, srv.URL+"/api/collections/quotes/records/"+hookstest.OtherApprovedID, su, `{"speaker":"last"}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("expected 200, got %d %s", res.StatusCode, body)
	}
	for _, s := range []*hookstest.Subscriber{guest, owner, other} {
		s.Expect(t, "quotes/* update "+hookstest.OtherApprovedID)
	}
}
