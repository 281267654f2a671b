package auth

import (
	"strings"
	"testing"
)

func TestPasswordsAreBoundedNeverTruncated(t *testing.T) {
	max := strings.Repeat("p", MaxPasswordBytes)
	hash, err := HashPassword(max, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(hash, max) {
		t.Fatal("a 72-byte password does not verify")
	}
	if CheckPassword(hash, max+"x") {
		t.Fatal("a 73-byte password verified against the hash of its first 72 bytes")
	}
	if _, err := HashPassword(max+"x", 10); err != ErrPasswordLength {
		t.Fatalf("73 bytes: %v, want ErrPasswordLength", err)
	}
	if _, err := HashPassword("1234567", 10); err != ErrPasswordLength {
		t.Fatalf("7 bytes: %v, want ErrPasswordLength", err)
	}
	if CheckPassword(hash, "wrong") || CheckPassword("", max) {
		t.Fatal("a wrong password or an empty hash verified")
	}
}
