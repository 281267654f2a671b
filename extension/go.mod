// The browser extension is JavaScript, not Go. This file makes extension/ a
// module of its own so that `go test ./...` and `go vet ./...` at the
// repository root stay out of it (npm packages such as flatted ship .go files
// inside node_modules).
module github.com/vega-ai/vega/extension

go 1.26
