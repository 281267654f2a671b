package analysis

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// allowedTags are the elements a stored document may contain. Any other
// element is dropped but its text kept, except those in droppedWithContent.
var allowedTags = map[atom.Atom]bool{
	atom.Article: true, atom.Section: true, atom.Header: true, atom.Footer: true, atom.Div: true, atom.Span: true,
	atom.P: true, atom.Br: true, atom.Hr: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Strong: true, atom.B: true, atom.Em: true, atom.I: true,
	atom.U: true, atom.A: true, atom.Blockquote: true, atom.Small: true, atom.Table: true, atom.Thead: true,
	atom.Tbody: true, atom.Tr: true, atom.Th: true, atom.Td: true, atom.Time: true, atom.Address: true,
}

// droppedWithContent are elements removed together with everything inside.
var droppedWithContent = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Template: true, atom.Noscript: true, atom.Svg: true, atom.Math: true, atom.Head: true, atom.Title: true,
	atom.Textarea: true, atom.Select: true, atom.Frameset: true, atom.Frame: true, atom.Noembed: true,
	atom.Noframes: true, atom.Xmp: true, atom.Plaintext: true,
}

// classRE is what a class attribute may hold.
var classRE = regexp.MustCompile(`^[A-Za-z0-9 _-]{1,100}$`)

// safeHref returns href if it is an http, https or mailto URL.
func safeHref(href string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
	default:
		return "", false
	}
	return u.String(), true
}

// SanitizeHTML returns s reduced to a safe, well-formed HTML fragment:
// only the elements of a letter or CV (headings, paragraphs, lists,
// emphasis, tables, links), only class attributes of plain words and
// http(s)/mailto links; scripts, styles, frames, event handlers and
// comments are removed, and every element is closed. Text is re-escaped.
func SanitizeHTML(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var open []atom.Atom
	skip := 0 // depth inside droppedWithContent elements
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken { // io.EOF, or input too broken to go on
			break
		}
		tok := z.Token()
		switch tt {
		case xhtml.TextToken:
			if skip == 0 {
				b.WriteString(html.EscapeString(tok.Data))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if droppedWithContent[tok.DataAtom] {
				if tt == xhtml.StartTagToken {
					skip++
				}
				continue
			}
			if skip > 0 || !allowedTags[tok.DataAtom] {
				continue
			}
			b.WriteByte('<')
			b.WriteString(tok.DataAtom.String())
			for _, a := range tok.Attr {
				switch {
				case a.Namespace != "":
				case a.Key == "class" && classRE.MatchString(a.Val):
					b.WriteString(` class="` + html.EscapeString(a.Val) + `"`)
				case a.Key == "href" && tok.DataAtom == atom.A:
					if h, ok := safeHref(a.Val); ok {
						b.WriteString(` href="` + html.EscapeString(h) + `" rel="noopener noreferrer nofollow"`)
					}
				}
			}
			b.WriteByte('>')
			if tok.DataAtom != atom.Br && tok.DataAtom != atom.Hr && tt == xhtml.StartTagToken {
				open = append(open, tok.DataAtom)
			} else if tt == xhtml.SelfClosingTagToken && tok.DataAtom != atom.Br && tok.DataAtom != atom.Hr {
				b.WriteString("</" + tok.DataAtom.String() + ">")
			}
		case xhtml.EndTagToken:
			if droppedWithContent[tok.DataAtom] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 || !allowedTags[tok.DataAtom] {
				continue
			}
			// Close up to the matching open element; a stray end tag is dropped.
			if !slices.Contains(open, tok.DataAtom) {
				continue
			}
			for len(open) > 0 {
				last := open[len(open)-1]
				open = open[:len(open)-1]
				b.WriteString("</" + last.String() + ">")
				if last == tok.DataAtom {
					break
				}
			}
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i].String() + ">")
	}
	return strings.TrimSpace(b.String())
}

// TextOf returns the visible text of an HTML fragment, white space
// collapsed, for checks such as "is this document empty".
func TextOf(fragment string) string {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		if tt == xhtml.TextToken {
			b.WriteString(string(z.Text()))
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
