package explorer

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/schema"
)

func get(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerContentTypes(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		path, ctype, contains string
	}{
		{"/", "text/html; charset=utf-8", `<script type="module" src="/js/app.js">`},
		{"/index.html", "text/html; charset=utf-8", "<main"},
		{"/style.css", "text/css; charset=utf-8", ":root"},
		{"/js/app.js", "text/javascript; charset=utf-8", "hashchange"},
		{"/js/layout.js", "text/javascript; charset=utf-8", "Barnes"},
		{"/examples.json", "application/json", "paris-declaration-2025"},
		{"/favicon.svg", "image/svg+xml", "<svg"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := get(t, h, http.MethodGet, tc.path, nil)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if !strings.Contains(string(body), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
			if got := res.Header.Get("Content-Security-Policy"); got != CSP {
				t.Errorf("CSP %q, want %q", got, CSP)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			if res.Header.Get("Cache-Control") != "no-cache" || res.Header.Get("ETag") == "" {
				t.Errorf("caching headers: Cache-Control %q, ETag %q", res.Header.Get("Cache-Control"), res.Header.Get("ETag"))
			}
		})
	}
}

func TestHandlerCSPIsStrict(t *testing.T) {
	res := get(t, Handler(), http.MethodGet, "/", nil)
	csp := res.Header.Get("Content-Security-Policy")
	dirs := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			dirs[f[0]] = strings.Join(f[1:], " ")
		}
	}
	want := map[string]string{
		"default-src": "'none'", "script-src": "'self'", "style-src": "'self'",
		"connect-src": "'self'", "frame-ancestors": "'none'", "object-src": "'none'", "base-uri": "'none'",
	}
	for k, v := range want {
		if dirs[k] != v {
			t.Errorf("%s is %q, want %q", k, dirs[k], v)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
		t.Errorf("CSP allows more than this origin: %q", csp)
	}
}

func TestHandlerNotFoundAndMethods(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/nope.js", "/js/", "/js", "/assets/index.html", "/export/jsonl", "/js/../style.css", "/.env", "/index.html/"} {
		res := get(t, h, http.MethodGet, p, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: 404 without CSP", p)
		}
	}
	res := get(t, h, http.MethodPost, "/", nil)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: status %d, Allow %q; want 405 and GET, HEAD", res.StatusCode, res.Header.Get("Allow"))
	}
	res = get(t, h, http.MethodHead, "/style.css", nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("HEAD /style.css: status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestHandlerRevalidates(t *testing.T) {
	h := Handler()
	first := get(t, h, http.MethodGet, "/js/app.js", nil)
	etag := first.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag %q is not a strong validator", etag)
	}
	again := get(t, h, http.MethodGet, "/js/app.js", map[string]string{"If-None-Match": etag})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: status %d, want 304", again.StatusCode)
	}
	other := get(t, h, http.MethodGet, "/style.css", nil).Header.Get("ETag")
	if other == etag {
		t.Errorf("two different files share the ETag %s", etag)
	}
}

// TestAssetsAreSelfContained checks what a browser would only find at run
// time: every file the page and the modules load exists, nothing comes
// from another origin, and no script writes HTML from strings.
func TestAssetsAreSelfContained(t *testing.T) {
	h := Handler()
	exists := func(p string) bool {
		return get(t, h, http.MethodGet, p, nil).StatusCode == http.StatusOK
	}
	index, _ := fs.ReadFile(assets, "assets/index.html")
	refs := regexp.MustCompile(`(?:src|href)="(/[^"#]*)"`).FindAllStringSubmatch(string(index), -1)
	if len(refs) < 3 {
		t.Fatalf("index.html references only %d files", len(refs))
	}
	for _, m := range refs {
		if !strings.HasPrefix(m[1], "/export/") && m[1] != "/graphql" && !exists(m[1]) {
			t.Errorf("index.html loads %s, which is not served", m[1])
		}
	}
	imp := regexp.MustCompile(`(?m)^import .* from '\./([a-z]+\.js)';`)
	external := regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/`)
	unsafe := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function`)
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		src := string(b)
		if p == "assets/favicon.svg" {
			src = strings.ReplaceAll(src, `xmlns="http://www.w3.org/2000/svg"`, "")
		}
		if m := external.FindString(src); m != "" {
			t.Errorf("%s refers to another origin: %s", p, m)
		}
		if !strings.HasSuffix(p, ".js") {
			return nil
		}
		if m := unsafe.FindString(src); m != "" {
			t.Errorf("%s uses %s: text from the API must enter the page as text", p, m)
		}
		for _, m := range imp.FindAllStringSubmatch(src, -1) {
			if !exists("/js/" + m[1]) {
				t.Errorf("%s imports ./%s, which is not served", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExamplesRun runs every example query of the console against the
// embedded dataset: they are the README's queries and must keep working.
func TestExamplesRun(t *testing.T) {
	raw, err := fs.ReadFile(assets, "assets/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct {
		Title     string         `json:"title"`
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(raw, &examples); err != nil {
		t.Fatalf("examples.json: %v", err)
	}
	if len(examples) < 5 {
		t.Fatalf("%d examples, want the README's five at least", len(examples))
	}
	api := newAPI(t, seeded(t))
	for _, ex := range examples {
		out := api.Do(context.Background(), schema.Request{Query: ex.Query, Variables: ex.Variables}, false)
		var res struct {
			Data   map[string]json.RawMessage `json:"data"`
			Errors []json.RawMessage          `json:"errors"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("%s: %v", ex.Title, err)
		}
		if len(res.Errors) > 0 || len(res.Data) == 0 {
			t.Errorf("%s: errors %s, data %v", ex.Title, res.Errors, res.Data)
		}
		for k, v := range res.Data {
			if string(v) == "null" || string(v) == "[]" {
				t.Errorf("%s: %s is empty on the embedded dataset", ex.Title, k)
			}
		}
	}
}
