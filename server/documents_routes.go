package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/analysis"
	"github.com/vega-ai/vega/models"
)

// documentView is a generated document as the API shows it. Lists leave
// the content out.
type documentView struct {
	ID           int64           `json:"id"`
	JobID        *int64          `json:"job_id"`
	DocumentType string          `json:"document_type"`
	Format       string          `json:"format"`
	Title        string          `json:"title"`
	Content      string          `json:"content,omitempty"`
	Metadata     json.RawMessage `json:"metadata"`
	ExpiresAt    *time.Time      `json:"expires_at"`
	CreatedAt    time.Time       `json:"created_at"`
}

// documentMeta is the metadata stored with a document.
type documentMeta struct {
	Title            string     `json:"title"`
	Provider         string     `json:"provider"`
	Model            string     `json:"model,omitempty"`
	PromptVersion    string     `json:"prompt_version"`
	ProfileUpdatedAt *time.Time `json:"profile_updated_at"`
	Note             string     `json:"note,omitempty"`
}

// viewDocument builds the view of d, with its content or without.
func viewDocument(d *models.GeneratedDocument, withContent bool) documentView {
	v := documentView{ID: d.ID, JobID: d.JobID, DocumentType: d.DocumentType, Format: d.Format,
		ExpiresAt: d.ExpiresAt, CreatedAt: d.CreatedAt, Metadata: json.RawMessage("{}")}
	if d.Metadata != nil && json.Valid([]byte(*d.Metadata)) {
		v.Metadata = json.RawMessage(*d.Metadata)
		var m documentMeta
		_ = json.Unmarshal(v.Metadata, &m)
		v.Title = m.Title
	}
	if v.Title == "" {
		v.Title = strings.ReplaceAll(d.DocumentType, "_", " ")
	}
	if withContent {
		v.Content = d.Content
	}
	return v
}

// generateDocument returns the handler that writes a document of kind
// (cover_letter or cv) for a job, stores it with its metadata and expiry,
// and answers 201 with it.
func (s *Server) generateDocument(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		row, err := s.writeDocument(c, mustPrincipal(c).UserID, kind)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(viewDocument(row, true))
	}
}

// writeDocument generates a document of kind for uid's job :id and stores
// it, charging the quota; the API and the dashboard both generate through
// it.
func (s *Server) writeDocument(c *fiber.Ctx, uid int64, kind string) (*models.GeneratedDocument, error) {
	quota := models.QuotaCoverLetter
	if kind == models.DocumentCV {
		quota = models.QuotaCV
	}
	in, err := s.analysisInput(c, uid)
	if err != nil {
		return nil, err
	}
	receipt, err := s.chargeQuota(c, uid, quota, in.Job.ID, false)
	if err != nil {
		return nil, err
	}
	var doc analysis.Document
	if kind == models.DocumentCV {
		doc, err = s.ai.writer.CV(c.UserContext(), in)
	} else {
		doc, err = s.ai.writer.CoverLetter(c.UserContext(), in)
	}
	if err != nil {
		s.releaseQuota(c, uid, receipt)
		return nil, err
	}
	if doc.Note != "" {
		s.log.Warn("AI document fell back to the built-in generator", "request_id", RequestIDFrom(c), "note", doc.Note)
	}
	pu := in.Profile.UpdatedAt
	meta, err := json.Marshal(documentMeta{Title: doc.Title, Provider: doc.Provider, Model: doc.Model,
		PromptVersion: doc.PromptVersion, ProfileUpdatedAt: &pu, Note: doc.Note})
	if err != nil {
		s.releaseQuota(c, uid, receipt)
		return nil, err
	}
	m := string(meta)
	row := &models.GeneratedDocument{JobID: &in.Job.ID, DocumentType: kind, Content: analysis.SanitizeHTML(doc.HTML),
		Format: models.DocumentFormatHTML, Metadata: &m}
	if r := s.deps.Config.DocumentRetention; r > 0 {
		exp := time.Now().UTC().Add(r)
		row.ExpiresAt = &exp
	}
	if err := s.deps.Store.CreateDocument(c.UserContext(), uid, row); err != nil {
		s.releaseQuota(c, uid, receipt)
		return nil, err
	}
	return row, nil
}

// documentID reads the :id parameter; a malformed id is 404.
func documentID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

// queryInt reads an optional integer query parameter.
func queryInt(c *fiber.Ctx, name string, ve *models.ValidationError) int64 {
	raw := strings.TrimSpace(c.Query(name))
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		ve.Add(name, "must be a whole number of at least 0")
	}
	return n
}

// listDocuments lists the user's documents, newest first, without content.
func (s *Server) listDocuments(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	ve := &models.ValidationError{}
	f := models.DocumentFilter{JobID: queryInt(c, "job_id", ve), Type: c.Query("type"),
		Limit: int(min(queryInt(c, "limit", ve), 1000)), Offset: int(min(queryInt(c, "offset", ve), 1<<30))}
	if len(ve.Fields) > 0 {
		return ve
	}
	docs, total, err := s.deps.Store.Documents(c.UserContext(), uid, f)
	if err != nil {
		return err
	}
	out := make([]documentView, len(docs))
	for i := range docs {
		out[i] = viewDocument(&docs[i], false)
	}
	limit := f.Limit
	switch {
	case limit == 0:
		limit = models.DefaultDocumentsLimit
	case limit > models.MaxDocumentsLimit:
		limit = models.MaxDocumentsLimit
	}
	return c.JSON(fiber.Map{"documents": out, "total": total, "limit": limit, "offset": f.Offset})
}

// loadDocument reads the user's document named by :id.
func (s *Server) loadDocument(c *fiber.Ctx) (*models.GeneratedDocument, error) {
	id, err := documentID(c)
	if err != nil {
		return nil, err
	}
	return s.deps.Store.Document(c.UserContext(), mustPrincipal(c).UserID, id)
}

// getDocument returns one document with its content.
func (s *Server) getDocument(c *fiber.Ctx) error {
	d, err := s.loadDocument(c)
	if err != nil {
		return err
	}
	return c.JSON(viewDocument(d, true))
}

// documentEdit is the body of PATCH /api/documents/:id.
type documentEdit struct {
	Content *string `json:"content"`
}

// decodeDocumentEdit reads the PATCH body strictly: one JSON object with
// only "content", at most MaxDocumentBytes and a little.
func decodeDocumentEdit(c *fiber.Ctx) (string, error) {
	body := c.Body()
	if len(body) > models.MaxDocumentBytes+4096 {
		return "", fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large: at most %d KB", models.MaxDocumentBytes>>10))
	}
	var in documentEdit
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return "", fiber.NewError(fiber.StatusBadRequest, "invalid JSON body: want {\"content\": \"<html>\"}")
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", fiber.NewError(fiber.StatusBadRequest, "invalid JSON body: unexpected data after the object")
	}
	if in.Content == nil {
		return "", &models.ValidationError{Fields: map[string]string{"content": "is required"}}
	}
	return *in.Content, nil
}

// patchDocument replaces a document's content with the sanitised HTML sent.
func (s *Server) patchDocument(c *fiber.Ctx) error {
	id, err := documentID(c)
	if err != nil {
		return err
	}
	content, err := decodeDocumentEdit(c)
	if err != nil {
		return err
	}
	d, err := s.editDocument(c, mustPrincipal(c).UserID, id, content)
	if err != nil {
		return err
	}
	return c.JSON(viewDocument(d, true))
}

// editDocument replaces the content of uid's document id with content,
// sanitised; content without text is a *models.ValidationError. The API and
// the dashboard both edit through it.
func (s *Server) editDocument(c *fiber.Ctx, uid, id int64, content string) (*models.GeneratedDocument, error) {
	clean := analysis.SanitizeHTML(content)
	if analysis.TextOf(clean) == "" {
		return nil, &models.ValidationError{Fields: map[string]string{"content": "has no text (unsafe HTML is removed)"}}
	}
	return s.deps.Store.UpdateDocumentContent(c.UserContext(), uid, id, clean)
}

// deleteDocument deletes a document.
func (s *Server) deleteDocument(c *fiber.Ctx) error {
	id, err := documentID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Store.DeleteDocument(c.UserContext(), mustPrincipal(c).UserID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a title into a file-name part: "cover-letter-go-engineer-at-acme".
func slug(title string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	if s == "" {
		s = "document"
	}
	return s
}

// downloadDocument answers a standalone HTML page of the document, with a
// print stylesheet, as an attachment.
func (s *Server) downloadDocument(c *fiber.Ctx) error {
	d, err := s.loadDocument(c)
	if err != nil {
		return err
	}
	v := viewDocument(d, false)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%d.html"`, slug(v.Title), d.ID))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return c.SendString(analysis.Page(v.Title, d.Content))
}
