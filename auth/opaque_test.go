package auth

import (
	"strings"
	"testing"
)

func TestSessionTokensAreRandomAndStoredOnlyAsHashes(t *testing.T) {
	tok, hash, err := NewSessionToken()
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 || !WellFormedSessionToken(tok) {
		t.Fatalf("token %q is not 256 bits of base64url", tok)
	}
	if hash != HashSessionToken(tok) || len(hash) != 64 || strings.Contains(hash, tok) {
		t.Fatalf("hash %q", hash)
	}
	tok2, _, _ := NewSessionToken()
	if tok2 == tok {
		t.Fatal("two tokens are equal")
	}
	for _, bad := range []string{"", "short", tok + "A", tok[:42] + "!", strings.Repeat("=", 43)} {
		if WellFormedSessionToken(bad) {
			t.Errorf("WellFormedSessionToken(%q) = true", bad)
		}
	}
}

func TestCSRFTokensAreBoundAndKeyed(t *testing.T) {
	c := NewCSRF(testSecret)
	tok := c.Token("session:1")
	if !c.Valid("session:1", tok) {
		t.Fatal("own token refused")
	}
	if c.Valid("session:2", tok) {
		t.Fatal("token valid for another session")
	}
	if c.Valid("session:1", "") || c.Valid("", tok) || c.Valid("session:1", tok[:len(tok)-1]) {
		t.Fatal("empty or truncated token accepted")
	}
	if NewCSRF(strings.Repeat("z", 40)).Valid("session:1", tok) {
		t.Fatal("token valid under another secret")
	}
}
