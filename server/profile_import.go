package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/analysis"
	"github.com/vega-ai/vega/cvimport"
)

// maxImportBody bounds the body of a CV import: the 5 MB file and its
// multipart envelope.
const maxImportBody = 6 << 20

// importAnswer is the answer of POST /api/profile/import.
type importAnswer struct {
	Proposal cvimport.Proposal `json:"proposal"`
	Source   cvimport.Source   `json:"source"`
	Note     string            `json:"note,omitempty"`
}

// registerProfileImportRoutes adds the CV import (behind the bearer token):
//
//	POST /api/profile/import        multipart "file" (PDF, DOCX, text, Markdown) or JSON {"text"}
//	                                -> 200 {"proposal","source":"builtin"|"llm","note"?}; nothing is saved
//	POST /api/profile/import/apply  JSON proposal with the kept items only -> 200 the full profile
//
// Refusals: 400 (no file or text), 413 (over 5 MB), 415 (not a PDF, DOCX or
// text; an encrypted PDF), 422 (no text layer, not a CV).
func (s *Server) registerProfileImportRoutes(r fiber.Router) {
	r.Post("/profile/import", s.importCV)
	r.Post("/profile/import/apply", s.applyCVImport)
}

// cvReader is the reader the configuration asks for: the model when one is
// configured (falling back to the built-in reader), else the built-in one.
func (s *Server) cvReader() cvimport.Reader {
	cfg := s.deps.Config
	if !cfg.AIEnabled() {
		return cvimport.Builtin{}
	}
	return &cvimport.LLMReader{Client: &analysis.Client{BaseURL: cfg.AIBaseURL, APIKey: cfg.AIAPIKey, Model: cfg.AIModel, Timeout: cfg.AITimeout}}
}

// cvImportError maps the import's refusals to HTTP errors whose message says
// why.
func cvImportError(err error) error {
	code := 0
	switch {
	case errors.Is(err, cvimport.ErrTooLarge):
		code = fiber.StatusRequestEntityTooLarge
	case errors.Is(err, cvimport.ErrUnsupportedType), errors.Is(err, cvimport.ErrEncrypted):
		code = fiber.StatusUnsupportedMediaType
	case errors.Is(err, cvimport.ErrNoText), errors.Is(err, cvimport.ErrNotACV), errors.Is(err, cvimport.ErrUnreadable):
		code = fiber.StatusUnprocessableEntity
	default:
		return err
	}
	msg := err.Error()
	if errors.Is(err, cvimport.ErrUnreadable) {
		msg = cvimport.ErrUnreadable.Error()
	}
	return fiber.NewError(code, msg)
}

// proposeCV extracts the text of a file (or takes text), reads it and marks
// the items that would update a stored twin.
func (s *Server) proposeCV(ctx context.Context, uid int64, filename string, data []byte, text string) (importAnswer, error) {
	if data != nil {
		t, err := cvimport.Extract(filename, data)
		if err != nil {
			return importAnswer{}, cvImportError(err)
		}
		text = t
	} else if len(text) > cvimport.MaxFileBytes {
		return importAnswer{}, cvImportError(cvimport.ErrTooLarge)
	}
	if strings.TrimSpace(text) == "" {
		return importAnswer{}, fiber.NewError(fiber.StatusBadRequest, "send a CV: a multipart field \"file\" or JSON {\"text\"}")
	}
	p, src, note, err := s.cvReader().Read(ctx, text)
	if err != nil {
		return importAnswer{}, cvImportError(err)
	}
	if err := cvimport.Match(ctx, s.deps.Store, uid, &p); err != nil {
		return importAnswer{}, err
	}
	return importAnswer{Proposal: p, Source: src, Note: note}, nil
}

// uploadedCV reads the multipart field "file", refusing one over 5 MB.
func uploadedCV(c *fiber.Ctx) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, fiber.NewError(fiber.StatusBadRequest, "choose a file: a PDF, a DOCX, or text or Markdown")
	}
	if fh.Size > cvimport.MaxFileBytes {
		return "", nil, cvImportError(cvimport.ErrTooLarge)
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, cvimport.MaxFileBytes+1))
	if err != nil {
		return "", nil, err
	}
	return fh.Filename, data, nil
}

// importCV answers a proposal for an uploaded CV or JSON text.
func (s *Server) importCV(c *fiber.Ctx) error {
	if len(c.Body()) > maxImportBody {
		return cvImportError(cvimport.ErrTooLarge)
	}
	uid := mustPrincipal(c).UserID
	var name, text string
	var data []byte
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		n, d, err := uploadedCV(c)
		if err != nil {
			return err
		}
		name, data = n, d
	} else {
		var in struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(c.Body(), &in); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "send a CV: a multipart field \"file\" or JSON {\"text\"}")
		}
		text = in.Text
	}
	ans, err := s.proposeCV(c.UserContext(), uid, name, data, text)
	if err != nil {
		return err
	}
	return c.JSON(ans)
}

// applyCVImport merges the kept items of a proposal into the profile.
func (s *Server) applyCVImport(c *fiber.Ctx) error {
	var sel cvimport.Proposal
	if err := json.Unmarshal(c.Body(), &sel); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body must be a proposal as POST /api/profile/import answers it, with the kept items only")
	}
	p, err := cvimport.Apply(c.UserContext(), s.deps.Store, mustPrincipal(c).UserID, sel)
	if err != nil {
		return err
	}
	return c.JSON(p)
}
