// Package explorer serves the built-in web explorer of stancegraph: a
// hand-written page (HTML, CSS and JavaScript modules, no build step)
// embedded in the binary, that talks only to the public GraphQL API at
// /graphql. It searches as you type, shows a page per entity with its
// sources, draws neighbourhoods as a graph, places actors on a topic's
// scale, finds paths and has a GraphQL console. Views are deep links in
// the URL fragment (#/node/person/olaf-scholz), so a server needs to
// serve only the files under assets/.
package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// CSP is the Content-Security-Policy of every response: scripts, styles,
// images and requests from this origin only, no inline code, no frames,
// no plugins, no external fonts or CDNs.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'none'; manifest-src 'self'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'; object-src 'none'"

// file is one asset, read once when the handler is built.
type file struct {
	data  []byte
	ctype string
	etag  string
}

// contentType names the type of an asset by its extension. The common
// ones are fixed here rather than taken from the system's MIME tables,
// which differ between machines (a module script served as text/plain
// does not run).
func contentType(ext string) string {
	switch ext {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// Handler serves the explorer: the page at "/" and its assets by path
// ("/style.css", "/js/app.js", ...), for GET and HEAD. Unknown paths get
// 404, so it can be mounted at "/" beside other routes. Every response
// carries a strict Content-Security-Policy; assets are revalidated with
// a strong ETag on each load (no build step fingerprints their names, so
// they may not be cached blindly), which costs one 304 per file.
func Handler() http.Handler {
	files := map[string]file{}
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		ct := contentType(path.Ext(p))
		sum := sha256.Sum256(data)
		files[strings.TrimPrefix(p, "assets")] = file{data: data, ctype: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		// The assets are compiled in: failing to read them is a broken build.
		panic("explorer: read embedded assets: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := r.URL.Path
		if name == "/" {
			name = "/index.html"
		}
		f, ok := files[name]
		if !ok || name != path.Clean(name) {
			h.Set("Cache-Control", "no-store")
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		h.Set("Content-Type", f.ctype)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
	})
}
