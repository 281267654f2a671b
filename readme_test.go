package main

import (
	"os"
	"strings"
	"testing"

	"github.com/vega-ai/vega/config"
)

// TestREADMEDocumentsEveryVariable keeps the README's configuration table in
// step with what the server reads.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, v := range config.Vars {
		if !strings.Contains(readme, "| `"+v.Name+"` |") {
			t.Errorf("README's configuration table has no row for %s", v.Name)
		}
	}
}

// TestREADMEStatesTheTwoSetupCommands checks the README still gives the two
// commands a new user runs, and that CI runs the second.
func TestREADMEStatesTheTwoSetupCommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"```sh\ngo run .\n```", "```sh\ngo tool task test\n```"} {
		if !strings.Contains(string(b), cmd) {
			t.Errorf("README lacks the set-up command block %q", cmd)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "go tool task test") {
		t.Error(".ci/run does not run the README's test command")
	}
}
