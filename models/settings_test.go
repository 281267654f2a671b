package models

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestSettingOrInitConcurrent starts several "servers" at once on one
// database, each with its own candidate value: all must end up with the one
// value stored first, and a later call must not replace it.
func TestSettingOrInitConcurrent(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	const n = 8
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = s.SettingOrInit(ctx, SettingSecret, func() (string, error) {
				return fmt.Sprintf("candidate-%d", i), nil
			})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("values differ: %q", got)
		}
	}
	again, err := s.SettingOrInit(ctx, SettingSecret, func() (string, error) { return "later", nil })
	if err != nil || again != got[0] {
		t.Fatalf("later call = %q, %v; want the stored %q", again, err, got[0])
	}
	if _, err := s.SettingOrInit(ctx, "other", func() (string, error) { return "", fmt.Errorf("no entropy") }); err == nil {
		t.Fatal("a failing init stored nothing but returned no error")
	}
}
