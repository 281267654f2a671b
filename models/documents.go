package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Document types stored in generated_documents.document_type.
const (
	DocumentCoverLetter = "cover_letter"
	DocumentCV          = "cv"
)

// DocumentFormatHTML is the one format documents are generated in.
const DocumentFormatHTML = "html"

// MaxDocumentBytes bounds a document's content.
const MaxDocumentBytes = 512 << 10

// Paging limits for Documents.
const (
	DefaultDocumentsLimit = 20
	MaxDocumentsLimit     = 100
)

// DocumentFilter selects and pages the documents Documents returns, newest
// first. The zero value lists the newest 20 of every type.
type DocumentFilter struct {
	// JobID keeps documents generated for this job; 0 means any.
	JobID int64
	// Type keeps documents of this type ("cover_letter" or "cv"); "" means any.
	Type string
	// Limit is the page size: 0 means DefaultDocumentsLimit, and more than
	// MaxDocumentsLimit means MaxDocumentsLimit.
	Limit int
	// Offset is the number of documents to skip.
	Offset int
}

// validDocumentType reports whether t is a known document type.
func validDocumentType(t string) bool { return t == DocumentCoverLetter || t == DocumentCV }

// notExpired is a scope hiding documents whose expiry has passed but that the
// periodic clean-up has not deleted yet.
func notExpired(now time.Time) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where("expires_at IS NULL OR expires_at > ?", now)
	}
}

// CreateDocument stores d for userID and fills in its ID, UserID and
// CreatedAt (and Format, when empty, with "html"). d.JobID, when set, must be
// one of userID's jobs (ErrNotFound otherwise); the type must be
// "cover_letter" or "cv", the content at most MaxDocumentBytes and the
// metadata, if any, a JSON object (*ValidationError otherwise).
func (s *Store) CreateDocument(ctx context.Context, userID int64, d *GeneratedDocument) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	if d == nil {
		return invalidField("document", "is required")
	}
	if d.Format == "" {
		d.Format = DocumentFormatHTML
	}
	var v validator
	if !validDocumentType(d.DocumentType) {
		v.add("document_type", "must be cover_letter or cv")
	}
	if d.Format != DocumentFormatHTML {
		v.add("format", "must be html")
	}
	v.required("content", d.Content)
	v.maxBytes("content", d.Content, MaxDocumentBytes)
	if d.Metadata != nil {
		var obj map[string]any
		if json.Unmarshal([]byte(*d.Metadata), &obj) != nil || obj == nil {
			v.add("metadata", "must be a JSON object")
		}
	}
	if err := v.err(); err != nil {
		return err
	}
	return s.inTx(ctx, "create document", func(tx *gorm.DB) error {
		if d.JobID != nil {
			var n int64
			if err := tx.Model(&Job{}).Scopes(ForUser(userID)).Where("id = ?", *d.JobID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return notFound(fmt.Sprintf("job %d", *d.JobID))
			}
		}
		row := *d
		row.ID, row.UserID, row.CreatedAt = 0, userID, s.clock()
		if row.ExpiresAt != nil {
			t := row.ExpiresAt.UTC()
			row.ExpiresAt = &t
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		*d = row
		return nil
	})
}

// Document returns userID's document id, or ErrNotFound if there is none,
// it is another user's, or it has expired.
func (s *Store) Document(ctx context.Context, userID, id int64) (*GeneratedDocument, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var d GeneratedDocument
	if err := findOne(s.read(ctx).Scopes(ForUser(userID), notExpired(s.clock())).Where("id = ?", id), &d, fmt.Sprintf("document %d", id)); err != nil {
		return nil, wrapDB("document", err)
	}
	return &d, nil
}

// Documents returns a page of userID's unexpired documents, newest first,
// and how many match the filter in all.
func (s *Store) Documents(ctx context.Context, userID int64, f DocumentFilter) ([]GeneratedDocument, int64, error) {
	if err := requireOwner(userID); err != nil {
		return nil, 0, err
	}
	var v validator
	if f.Type != "" && !validDocumentType(f.Type) {
		v.add("type", "must be cover_letter or cv")
	}
	switch {
	case f.Limit < 0:
		v.add("limit", "must not be negative")
	case f.Limit == 0:
		f.Limit = DefaultDocumentsLimit
	case f.Limit > MaxDocumentsLimit:
		f.Limit = MaxDocumentsLimit
	}
	if f.Offset < 0 {
		v.add("offset", "must not be negative")
	}
	if err := v.err(); err != nil {
		return nil, 0, err
	}
	where := func(db *gorm.DB) *gorm.DB {
		db = db.Scopes(ForUser(userID), notExpired(s.clock()))
		if f.JobID != 0 {
			db = db.Where("job_id = ?", f.JobID)
		}
		if f.Type != "" {
			db = db.Where("document_type = ?", f.Type)
		}
		return db
	}
	var total int64
	if err := s.read(ctx).Model(&GeneratedDocument{}).Scopes(where).Count(&total).Error; err != nil {
		return nil, 0, wrapDB("count documents", err)
	}
	out := []GeneratedDocument{}
	if total > int64(f.Offset) {
		if err := s.read(ctx).Scopes(where).Order("created_at DESC, id DESC").Limit(f.Limit).Offset(f.Offset).Find(&out).Error; err != nil {
			return nil, 0, wrapDB("documents", err)
		}
	}
	return out, total, nil
}

// UpdateDocumentContent replaces the content of userID's document id (the
// caller sanitises it) and returns the document. It returns ErrNotFound for
// a missing, expired or foreign document and a *ValidationError for empty or
// oversized content.
func (s *Store) UpdateDocumentContent(ctx context.Context, userID, id int64, content string) (*GeneratedDocument, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var v validator
	v.required("content", content)
	v.maxBytes("content", content, MaxDocumentBytes)
	if err := v.err(); err != nil {
		return nil, err
	}
	var out GeneratedDocument
	err := s.inTx(ctx, "update document", func(tx *gorm.DB) error {
		now := s.clock()
		res := tx.Model(&GeneratedDocument{}).Scopes(ForUser(userID), notExpired(now)).Where("id = ?", id).Update("content", content)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("document %d", id))
		}
		return findOne(tx.Scopes(ForUser(userID)).Where("id = ?", id), &out, fmt.Sprintf("document %d", id))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDocument deletes userID's document id, or returns ErrNotFound.
func (s *Store) DeleteDocument(ctx context.Context, userID, id int64) error {
	return s.deleteOwned(ctx, userID, id, "delete document", "document", ForUser(userID), &GeneratedDocument{})
}

// DeleteExpiredDocuments deletes every user's documents whose expires_at is
// at or before now and returns how many it deleted. Documents without an
// expiry are kept. It is the periodic clean-up's one query.
func (s *Store) DeleteExpiredDocuments(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, "delete expired documents", func(tx *gorm.DB) error {
		res := tx.Where("expires_at IS NOT NULL AND expires_at <= ?", now.UTC()).Delete(&GeneratedDocument{})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
