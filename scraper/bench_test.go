package scraper

import (
	"bytes"
	"os"
	"testing"

	"golang.org/x/net/html"
)

// BenchmarkParse measures Parse per page; compare with BenchmarkHTMLParse,
// the cost of html.Parse alone on the same bytes (the floor).
func BenchmarkParse(b *testing.B) {
	for _, in := range goldenInputs(b) {
		page, err := os.ReadFile(in.path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, _ = Parse(in.url, page)
			}
		})
	}
}

// BenchmarkHTMLParse is the floor: golang.org/x/net/html.Parse of the same bytes.
func BenchmarkHTMLParse(b *testing.B) {
	for _, in := range goldenInputs(b) {
		page, err := os.ReadFile(in.path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := html.Parse(bytes.NewReader(page)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
