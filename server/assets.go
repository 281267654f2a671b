package server

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The dashboard's static files (server/static: app.css, app.js, print.css
// and the vendored htmx) are embedded and served at
// /static/<name>.<hash>.<ext>, where hash is the first 12 hex digits of the
// SHA-256 of the content: the URL changes whenever the file does, so the
// answer may be cached for a year. The template function asset gives a
// file's current URL; any other name or hash is 404.
//
//go:embed static
var staticFS embed.FS

// staticAsset is one embedded file.
type staticAsset struct {
	url  string // /static/app.3f2a9c0d1e2b.css
	body []byte
	mime string
}

// staticAssets maps a file's name under static/ ("app.css",
// "vendor/htmx.min.js") to the file, and staticByURL its URL to the file.
var staticAssets, staticByURL = loadStaticAssets()

func loadStaticAssets() (map[string]*staticAsset, map[string]*staticAsset) {
	byName, byURL := map[string]*staticAsset{}, map[string]*staticAsset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		// "vendor/htmx.min.js" -> "/static/vendor/htmx.min.<hash>.js"
		a := &staticAsset{url: "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext,
			body: body, mime: mime.TypeByExtension(ext)}
		if a.mime == "" {
			a.mime = "application/octet-stream"
		}
		byName[name], byURL[a.url] = a, a
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("server: embedded static files: %v", err))
	}
	return byName, byURL
}

// assetURL returns the hashed URL of the static file name; an unknown name
// is an error, so a template naming a missing file fails at render time in
// tests rather than serving a broken link.
func assetURL(name string) (string, error) {
	a, ok := staticAssets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return a.url, nil
}

// serveStatic answers GET /static/*: the file whose hashed URL this is,
// cached for a year, or 404.
func serveStatic(c *fiber.Ctx) error {
	a, ok := staticByURL[c.Path()]
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "no such static file")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentType, a.mime)
	return c.Send(a.body)
}
