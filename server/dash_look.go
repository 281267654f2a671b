package server

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/analysis"
	"github.com/vega-ai/vega/models"
)

// pageCSP is the Content-Security-Policy of every dashboard page: scripts
// and styles only from Vega's own files (no inline script, no inline
// style: htmx is told not to inject its indicator style), images from Vega
// or data: URLs, nothing framed, no plugin, forms only to Vega, and no page
// may frame the dashboard.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// setPageSecurityHeaders sets the headers every HTML answer carries.
func setPageSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
}

// templateFuncs are the functions the page templates may call.
var templateFuncs = template.FuncMap{
	// asset gives a static file's content-hashed URL: {{asset "app.css"}}.
	"asset": assetURL,
	// str dereferences an optional string ("" for nil).
	"str": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
	// statuses and jobTypes list the enums in order, for selects.
	"statuses": models.AllJobStatuses,
	"jobTypes": models.AllJobTypes,
	// safeHTML sanitises scraped or generated HTML with the allow-list
	// sanitiser (again: it was sanitised when stored) and marks the result
	// safe to insert.
	"safeHTML": func(s string) template.HTML {
		return template.HTML(analysis.SanitizeHTML(s)) // #nosec G203: allow-list sanitised just now
	},
	// paragraphs splits plain text at blank lines.
	"paragraphs": func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
	// date formats a time as 2 Jan 2006.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006")
	},
	// isoDate formats a time as 2006-01-02 for <time datetime>.
	"isoDate": func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
	"add":     func(a, b int) int { return a + b },
}
