// Package webapp serves the web app (ui/, embedded in the binary) behind
// the operator's pb_public folder, and keeps it off the API's paths.
package webapp

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/osutils"

	"stovebot/ui"
)

// apiSegments are the first path segments that belong to the API (SPEC
// sections 3–6 and PocketBase's dashboard). The web app never answers
// under them, whatever pb_public or the embedded app contains, so a file
// named pb_public/chat cannot hide the seed's GET /chat from an old client.
var apiSegments = map[string]bool{
	"api":      true,
	"_":        true,
	"accounts": true,
	"chat":     true,
	"quote":    true,
}

// Bind serves the embedded web app behind the pb_public folder next to
// the binary.
func Bind(app core.App) {
	bindUI(app, defaultPublicDir(), ui.FS)
}

// bindUI serves the web app at /{path...}: a file in publicDir first (the
// operator's overrides, PocketBase's pb_public convention), then the file of
// the same name in embedded. Both are the least specific route, so every
// route registered by PocketBase or stovebot wins over them.
func bindUI(app core.App, publicDir string, embedded fs.FS) {
	site := overlayFS{upper: os.DirFS(publicDir), lower: embedded}
	static := apis.Static(site, false)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "stovebotUI",
		Func: func(e *core.ServeEvent) error {
			e.Router.GET("/{path...}", func(re *core.RequestEvent) error {
				if isAPIPath(re.Request.URL.Path) {
					return re.NotFoundError("", nil)
				}
				h := re.Response.Header()
				// Revalidate on every load: an upgrade or an override shows at once.
				h.Set("Cache-Control", "no-cache")
				h.Set("X-Content-Type-Options", "nosniff")
				h.Set("Referrer-Policy", "same-origin")
				return static(re)
			})
			return e.Next()
		},
	})
}

// isAPIPath reports whether path lies under one of the apiSegments.
func isAPIPath(path string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
	return apiSegments[strings.ToLower(first)]
}

// defaultPublicDir is pb_public next to the binary, or in the working
// directory under `go run`, as PocketBase's own launcher finds it.
func defaultPublicDir() string {
	if osutils.IsProbablyGoRun() {
		return "pb_public"
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		exe = os.Args[0]
	}
	return filepath.Join(filepath.Dir(exe), "pb_public")
}

// overlayFS opens a name in upper and, when upper has no such file, in
// lower. A directory of upper does not hide the files of lower below it.
type overlayFS struct {
	upper, lower fs.FS
}

// Open implements [fs.FS].
func (o overlayFS) Open(name string) (fs.File, error) {
	// Any failure of upper (missing file, no pb_public at all, unreadable
	// file) falls back to the embedded app rather than breaking the site.
	if f, err := o.upper.Open(name); err == nil {
		return f, nil
	}
	return o.lower.Open(name)
}
