package analysis

import (
	"bytes"
	"html/template"
)

// pageTmpl is a standalone HTML page around a document, with a stylesheet
// for the screen and one for printing (A4, no margins wasted, links shown).
var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.8em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; text-transform: uppercase; letter-spacing: .05em; border-bottom: 1px solid #999; margin: 1.4em 0 .5em; }
h3 { font-size: 1em; margin: .9em 0 .1em; }
p { margin: 0 0 .8em; }
.contact, .meta, .date { color: #444; font-size: .92em; }
.headline { font-size: 1.1em; margin-bottom: .3em; }
ul { margin: .2em 0 .8em 1.2em; padding: 0; }
a { color: #1a4f8b; }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { margin: 0; padding: 0; max-width: none; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; }
  .entry, li { break-inside: avoid; }
}
</style>
</head>
<body>
{{.Body}}
</body>
</html>
`))

// Page returns a complete HTML page holding a document fragment (sanitised
// again here) under title, with an embedded screen and print stylesheet, for
// download and printing to PDF.
func Page(title, fragment string) string {
	var b bytes.Buffer
	_ = pageTmpl.Execute(&b, struct {
		Title string
		Body  template.HTML
	}{title, template.HTML(SanitizeHTML(fragment))}) // #nosec: sanitised by the allowlist
	return b.String()
}
