package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NormalizeCompanyName trims name and collapses runs of white space to one
// space; it is the spelling UpsertCompany stores for a new company.
func NormalizeCompanyName(name string) string { return collapseSpace(name) }

// validateCompanyName checks a normalized company name.
func validateCompanyName(field, name string) error {
	var v validator
	v.required(field, name)
	v.maxChars(field, name, MaxTitleChars)
	return v.err()
}

// UpsertCompany returns the company called name, creating it if needed. The
// name is trimmed and its white space collapsed; names are compared
// case-insensitively (for ASCII letters), so "Acme", " acme " and "ACME" are
// one company, stored with the spelling first seen. It is safe to call from
// many goroutines with the same new name: all get the same row. A blank or
// too long name is a *ValidationError on field "company".
func (s *Store) UpsertCompany(ctx context.Context, name string) (*Company, error) {
	var c *Company
	err := s.inTx(ctx, "upsert company", func(tx *gorm.DB) error {
		var err error
		c, err = s.upsertCompanyTx(tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// upsertCompanyTx finds or creates the company called name inside the write
// transaction tx.
//
// The case-insensitive check-then-insert is atomic: on SQLite the single
// writer makes it so, on PostgreSQL a lock on the lower-cased name
// (serialize), so two spellings racing end up with one row. The lock is
// taken only when the company is missing, so captures of a known company
// (nearly all of them) do not queue behind each other. The insert is also
// ON CONFLICT (name) DO NOTHING followed by a re-read, for safety.
func (s *Store) upsertCompanyTx(tx *gorm.DB, name string) (*Company, error) {
	name = NormalizeCompanyName(name)
	if err := validateCompanyName("company", name); err != nil {
		return nil, err
	}
	c, err := findCompanyTx(tx, name)
	if err == nil {
		return c, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	if err := s.serialize(tx, "company:"+strings.ToLower(name)); err != nil {
		return nil, err
	}
	// Another transaction may have created it while this one waited.
	c, err = findCompanyTx(tx, name)
	if err == nil {
		return c, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	now := s.clock()
	c = &Company{Name: name, CreatedAt: now, UpdatedAt: now}
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}).Create(c)
	if res.Error != nil && !isUniqueViolation(res.Error) {
		return nil, res.Error
	}
	if res.Error == nil && res.RowsAffected == 1 && c.ID != 0 {
		return c, nil
	}
	// Another writer inserted it first: read its row.
	return findCompanyTx(tx, name)
}

// findCompanyTx looks a normalized company name up: first by exact spelling
// (using the unique index), then case-insensitively.
func findCompanyTx(db *gorm.DB, name string) (*Company, error) {
	var c Company
	err := findOne(db.Where("name = ?", name), &c, "company")
	if err == nil {
		return &c, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	if err := findOne(db.Where("lower(name) = lower(?)", name).Order("id"), &c, "company"); err != nil {
		return nil, err
	}
	return &c, nil
}

// Company returns the company with the given id. Companies are shared, so
// no user id is needed.
func (s *Store) Company(ctx context.Context, id int64) (*Company, error) {
	var c Company
	if err := findOne(s.read(ctx).Where("id = ?", id), &c, fmt.Sprintf("company %d", id)); err != nil {
		return nil, wrapDB("company", err)
	}
	return &c, nil
}

// CompanyByName returns the company called name, compared after
// normalization and case-insensitively.
func (s *Store) CompanyByName(ctx context.Context, name string) (*Company, error) {
	name = NormalizeCompanyName(name)
	if name == "" {
		return nil, notFound("company")
	}
	c, err := findCompanyTx(s.read(ctx), name)
	if err != nil {
		return nil, wrapDB("company by name", err)
	}
	return c, nil
}
