package models

import (
	"context"
	"strings"
	"sync"
	"testing"
)

func TestUpsertCompanyIgnoresCaseAndWhiteSpace(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	var ids []int64
	for _, name := range []string{"Acme", " acme ", "ACME", "\tAcMe\n"} {
		c, err := s.UpsertCompany(ctx, name)
		if err != nil {
			t.Fatalf("UpsertCompany(%q): %v", name, err)
		}
		if c.Name != "Acme" {
			t.Errorf("UpsertCompany(%q).Name = %q, want the first spelling %q", name, c.Name, "Acme")
		}
		ids = append(ids, c.ID)
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("ids = %v, want one company", ids)
		}
	}
	var n int64
	db.Read.Model(&Company{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d companies, want 1", n)
	}

	c, err := s.UpsertCompany(ctx, "  Big   Blue\tCorp ")
	if err != nil || c.Name != "Big Blue Corp" {
		t.Fatalf("collapsed name = %q, %v", c.Name, err)
	}
	if again, _ := s.UpsertCompany(ctx, "big blue corp"); again.ID != c.ID {
		t.Errorf("big blue corp got id %d, want %d", again.ID, c.ID)
	}
	if byName, err := s.CompanyByName(ctx, "BIG BLUE  CORP"); err != nil || byName.ID != c.ID {
		t.Errorf("CompanyByName = %v, %v", byName, err)
	}
	if byID, err := s.Company(ctx, c.ID); err != nil || byID.Name != "Big Blue Corp" {
		t.Errorf("Company = %v, %v", byID, err)
	}
	_, err = s.Company(ctx, 999)
	wantErr(t, err, ErrNotFound)
}

func TestUpsertCompanyRejectsBadNames(t *testing.T) {
	s, _ := newTestStore(t)
	for _, name := range []string{"", "   ", strings.Repeat("x", MaxTitleChars+1)} {
		_, err := s.UpsertCompany(context.Background(), name)
		wantFieldError(t, err, "company")
	}
}

func TestUpsertCompanyConcurrentSameNewName(t *testing.T) {
	s, db := newTestStore(t)
	const n = 20
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// Different spellings of one name, all at once.
			name := []string{"Globex", "globex", " GLOBEX "}[i%3]
			c, err := s.UpsertCompany(context.Background(), name)
			errs[i] = err
			if err == nil {
				ids[i] = c.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("ids = %v, want all equal", ids)
		}
	}
	var count int64
	db.Read.Model(&Company{}).Where("lower(name) = 'globex'").Count(&count)
	if count != 1 {
		t.Fatalf("%d Globex rows, want 1", count)
	}
}
