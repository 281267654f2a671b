package models

import (
	"context"
	"testing"
	"time"
)

func TestDocumentsLifecycle(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "writer")
	j := mustSaveJob(t, s, u.ID, "Go Engineer", "Acme", "https://acme.example/go")
	meta := `{"provider":"builtin"}`
	exp := time.Now().Add(time.Hour)
	d := &GeneratedDocument{JobID: &j.ID, DocumentType: DocumentCoverLetter, Content: "<p>Hello</p>", Metadata: &meta, ExpiresAt: &exp}
	if err := s.CreateDocument(ctx, u.ID, d); err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.UserID != u.ID || d.Format != "html" || d.CreatedAt.IsZero() {
		t.Fatalf("created %+v", d)
	}
	cv := &GeneratedDocument{DocumentType: DocumentCV, Content: "<p>CV</p>"}
	if err := s.CreateDocument(ctx, u.ID, cv); err != nil {
		t.Fatal(err)
	}
	got, err := s.Document(ctx, u.ID, d.ID)
	if err != nil || got.Content != "<p>Hello</p>" || *got.JobID != j.ID || *got.Metadata != meta {
		t.Fatalf("Document = %+v, %v", got, err)
	}
	list, total, err := s.Documents(ctx, u.ID, DocumentFilter{})
	if err != nil || total != 2 || len(list) != 2 || list[0].ID != cv.ID {
		t.Fatalf("Documents = %d %v %v", total, list, err)
	}
	for _, tt := range []struct {
		f    DocumentFilter
		want int64
	}{
		{DocumentFilter{Type: DocumentCV}, 1},
		{DocumentFilter{JobID: j.ID}, 1},
		{DocumentFilter{JobID: j.ID, Type: DocumentCV}, 0},
		{DocumentFilter{Limit: 1, Offset: 1}, 2},
	} {
		l, n, err := s.Documents(ctx, u.ID, tt.f)
		if err != nil || n != tt.want || int64(len(l)) > min(n, int64(max(tt.f.Limit, 20))) {
			t.Errorf("Documents(%+v) = %d rows, total %d, %v; want total %d", tt.f, len(l), n, err, tt.want)
		}
	}
	_, _, err = s.Documents(ctx, u.ID, DocumentFilter{Type: "resume"})
	wantFieldError(t, err, "type")

	upd, err := s.UpdateDocumentContent(ctx, u.ID, d.ID, "<p>Edited</p>")
	if err != nil || upd.Content != "<p>Edited</p>" {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	_, err = s.UpdateDocumentContent(ctx, u.ID, d.ID, "")
	wantFieldError(t, err, "content")

	// Deleting the job keeps the document, without its job.
	if err := s.DeleteJob(ctx, u.ID, j.ID); err != nil {
		t.Fatal(err)
	}
	got, err = s.Document(ctx, u.ID, d.ID)
	if err != nil || got.JobID != nil {
		t.Fatalf("after job delete: %+v, %v", got, err)
	}
	if err := s.DeleteDocument(ctx, u.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.DeleteDocument(ctx, u.ID, d.ID), ErrNotFound)
	_, err = s.Document(ctx, u.ID, d.ID)
	wantErr(t, err, ErrNotFound)
}

func TestCreateDocumentValidation(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "validator")
	bad := "[1]"
	tests := []struct {
		name  string
		d     GeneratedDocument
		field string
	}{
		{"type", GeneratedDocument{DocumentType: "memo", Content: "x"}, "document_type"},
		{"format", GeneratedDocument{DocumentType: DocumentCV, Content: "x", Format: "pdf"}, "format"},
		{"empty", GeneratedDocument{DocumentType: DocumentCV, Content: "  "}, "content"},
		{"metadata", GeneratedDocument{DocumentType: DocumentCV, Content: "x", Metadata: &bad}, "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			wantFieldError(t, s.CreateDocument(ctx, u.ID, &d), tt.field)
		})
	}
}

// TestDocumentsIsolation: another user's document is not found by any
// method, and a document cannot point at another user's job.
func TestDocumentsIsolation(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	a := mustCreateUser(t, s, "alice")
	b := mustCreateUser(t, s, "bob")
	ja := mustSaveJob(t, s, a.ID, "Role", "Acme", "https://acme.example/r")
	d := &GeneratedDocument{DocumentType: DocumentCV, Content: "<p>a</p>"}
	if err := s.CreateDocument(ctx, a.ID, d); err != nil {
		t.Fatal(err)
	}
	_, err := s.Document(ctx, b.ID, d.ID)
	wantErr(t, err, ErrNotFound)
	_, err = s.UpdateDocumentContent(ctx, b.ID, d.ID, "<p>b</p>")
	wantErr(t, err, ErrNotFound)
	wantErr(t, s.DeleteDocument(ctx, b.ID, d.ID), ErrNotFound)
	if l, n, err := s.Documents(ctx, b.ID, DocumentFilter{}); err != nil || n != 0 || len(l) != 0 {
		t.Errorf("bob lists %d documents", n)
	}
	wantErr(t, s.CreateDocument(ctx, b.ID, &GeneratedDocument{JobID: &ja.ID, DocumentType: DocumentCV, Content: "x"}), ErrNotFound)
	if got, err := s.Document(ctx, a.ID, d.ID); err != nil || got.Content != "<p>a</p>" {
		t.Errorf("alice's document changed: %+v, %v", got, err)
	}
}

// TestDeleteExpiredDocuments: expired documents are hidden at once and
// deleted by the clean-up; documents without an expiry stay.
func TestDeleteExpiredDocuments(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	a := mustCreateUser(t, s, "alice")
	b := mustCreateUser(t, s, "bob")
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	mk := func(userID int64, exp *time.Time) *GeneratedDocument {
		d := &GeneratedDocument{DocumentType: DocumentCoverLetter, Content: "<p>x</p>", ExpiresAt: exp}
		if err := s.CreateDocument(ctx, userID, d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	past, soon, later := now.Add(-time.Minute), now.Add(time.Hour), now.Add(48*time.Hour)
	expiredA, expiredB := mk(a.ID, &past), mk(b.ID, &past)
	soonA, keep, laterB := mk(a.ID, &soon), mk(a.ID, nil), mk(b.ID, &later)

	_, err := s.Document(ctx, a.ID, expiredA.ID)
	wantErr(t, err, ErrNotFound)
	if _, n, _ := s.Documents(ctx, a.ID, DocumentFilter{}); n != 2 {
		t.Errorf("alice lists %d documents, want 2 unexpired", n)
	}

	n, err := s.DeleteExpiredDocuments(ctx, now)
	if err != nil || n != 2 {
		t.Fatalf("DeleteExpiredDocuments(now) = %d, %v; want 2", n, err)
	}
	n, err = s.DeleteExpiredDocuments(ctx, now.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredDocuments(now+2h) = %d, %v; want 1", n, err)
	}
	var ids []int64
	if err := s.db.Read.Model(&GeneratedDocument{}).Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] != keep.ID || ids[1] != laterB.ID {
		t.Errorf("rows left %v, want [%d %d] (expired %d %d %d gone)", ids, keep.ID, laterB.ID, expiredA.ID, expiredB.ID, soonA.ID)
	}
}
