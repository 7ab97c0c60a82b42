package quotes

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// pagePath is a quote's own page: a real path outside /api, so that a
// link pasted into a messenger previews the line from its Open Graph tags
// (crawlers run no JavaScript), and a person who follows it lands on the
// quote in the app.
const pagePath = "/q/{id}"

// maxTitleChars bounds og:title; the line is whole in og:description.
const maxTitleChars = 80

// pageTemplate escapes everything it is given: a line is user input.
var pageTemplate = template.Must(template.New("quote").Parse(`<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · stovebot</title>
<meta name="description" content="{{.Description}}">
{{if .Found}}<meta property="og:type" content="article">
<meta property="og:site_name" content="stovebot">
<meta property="og:title" content="{{.Title}}">
<meta property="og:description" content="{{.Description}}">
<meta property="og:url" content="{{.URL}}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{{.Title}}">
<meta name="twitter:description" content="{{.Description}}">
{{else}}<meta name="robots" content="noindex">
{{end}}<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}blockquote{font-size:1.4rem;margin:0 0 1rem}</style>
</head>
<body>
<main>
{{if .Found}}<blockquote>“{{.Line}}”</blockquote>
<p>— {{if .Speaker}}{{.Speaker}}{{else}}?{{end}}{{if .Episode}}, {{.Episode}}화{{end}}</p>
<p><a href="{{.AppLink}}">stovebot에서 보기 · Open in stovebot</a></p>
{{else}}<h1>Not found</h1>
<p>이 명대사는 없거나 아직 승인되지 않았어요. This line does not exist or is not approved yet.</p>
<p><a href="/">stovebot</a></p>{{end}}
<p><small>stovebot finds lines of the Korean drama <i>Stove League</i> (스토브리그).</small></p>
</main>
</body>
</html>
`))

type pageData struct {
	Found                   bool
	Title, Description, URL string
	Line, Speaker, AppLink  string
	Episode                 int
}

// bindPage serves GET /q/{id}: the page of an approved quote; 404 for a
// pending, rejected or unknown one.
func bindPage(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET(pagePath, servePage)
		return se.Next()
	})
}

func servePage(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	r, err := e.App.FindRecordById(migrations.QuotesCollection, id)
	status, data := http.StatusOK, pageData{}
	if err != nil || !r.GetBool("is_apply") {
		status, data.Title, data.Description = http.StatusNotFound, "Not found", "This line does not exist or is not approved yet."
	} else {
		data = quotePage(r, pageURL(e.Request, r.Id))
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return e.InternalServerError("", err)
	}
	h := e.Response.Header()
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	return e.HTML(status, b.String())
}

func quotePage(r *core.Record, url string) pageData {
	line, speaker, episode := r.GetString("content"), r.GetString("speaker"), r.GetInt("episode")
	attribution := speaker
	if episode > 0 {
		attribution = strings.TrimPrefix(attribution+", "+strconv.Itoa(episode)+"화", ", ")
	}
	title := truncate(line, maxTitleChars)
	if speaker != "" {
		title = "“" + title + "” — " + speaker
	}
	description := "“" + line + "”"
	if attribution != "" {
		description += " — " + attribution
	}
	return pageData{
		Found: true, Title: title, Description: description + " · 스토브리그 Stove League", URL: url,
		Line: line, Speaker: speaker, Episode: episode, AppLink: "/#/quotes/" + r.Id,
	}
}

// pageURL is the page's absolute address, as the client reached it.
func pageURL(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/q/" + id
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
