// Package ui holds stovebot's web app: plain HTML, CSS and ES modules with
// no build step. The hooks package serves [FS] after the operator's
// pb_public directory, so any file here can be overridden without a rebuild.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed index.html oauth2-callback.html app.css favicon.svg js
var files embed.FS

// FS is the web app's files, rooted at the folder of index.html.
var FS fs.FS = files
