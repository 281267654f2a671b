package skills

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// fixtureDir finds shared/fixtures/jobpages beside the repository (the layout
// of a developer machine and of CI), or returns "".
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "fixtures", "jobpages")
		if _, err := os.Stat(filepath.Join(p, "cases.json")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// TestFindOnRealJobPages runs Find over the descriptions of real job pages
// and checks the skills that cases.json says a person reads in them.
func TestFindOnRealJobPages(t *testing.T) {
	dir := fixtureDir(t)
	if dir == "" {
		t.Skip("shared/fixtures/jobpages not found")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Cases []struct {
			File    string   `json:"file"`
			Blocked bool     `json:"blocked"`
			Include []string `json:"skills_include"`
			Exclude []string `json:"skills_exclude"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range spec.Cases {
		if c.Blocked {
			continue
		}
		t.Run(c.File, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			text := descriptionText(t, string(page))
			got := Find(text)
			for _, s := range c.Include {
				if !slices.Contains(got, s) {
					t.Errorf("missing %q; found %q", s, got)
				}
			}
			for _, s := range c.Exclude {
				if slices.Contains(got, s) {
					t.Errorf("found %q, a false positive; found %q", s, got)
				}
			}
		})
		ran++
	}
	if ran < 5 {
		t.Errorf("only %d cases ran", ran)
	}
}

// descriptionText returns the JobPosting description from a page's JSON-LD
// when there is one, and the page's visible text otherwise, as plain text with
// a line break after every block.
func descriptionText(t testing.TB, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var desc string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "script" || n.FirstChild == nil {
			continue
		}
		isLD := false
		for _, a := range n.Attr {
			isLD = isLD || a.Key == "type" && strings.Contains(a.Val, "ld+json")
		}
		var ld struct {
			Type        any    `json:"@type"`
			Description string `json:"description"`
		}
		if isLD && json.Unmarshal([]byte(n.FirstChild.Data), &ld) == nil && ld.Type == "JobPosting" {
			desc = ld.Description
		}
	}
	if desc != "" {
		if strings.Contains(desc, "&lt;") {
			desc = html.UnescapeString(desc)
		}
		d, err := html.Parse(strings.NewReader(desc))
		if err != nil {
			t.Fatal(err)
		}
		doc = d
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "svg", "template", "head":
				return
			case "p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article":
				b.WriteString("\n")
				defer b.WriteString("\n")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}
