package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
)

// documentPage is the data of a document's pages.
type documentPage struct {
	Doc      documentView
	Content  string // the document's HTML (sanitised again when shown)
	JobTitle string
	Edit     string // the edit form's content, kept when it fails
}

// documentPageData loads the user's document :id and the title of its job.
func (s *Server) documentPageData(c *fiber.Ctx) (*documentPage, error) {
	d, err := s.loadDocument(c)
	if err != nil {
		return nil, err
	}
	p := &documentPage{Doc: viewDocument(d, false), Content: d.Content, Edit: d.Content}
	if d.JobID != nil {
		if j, err := s.deps.Store.Job(c.UserContext(), mustPrincipal(c).UserID, *d.JobID); err == nil {
			p.JobTitle = j.Title
		}
	}
	return p, nil
}

func (s *Server) showDocument(c *fiber.Ctx) error {
	p, err := s.documentPageData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "document", dashView(c, "jobs", p))
}

func (s *Server) showEditDocument(c *fiber.Ctx) error {
	p, err := s.documentPageData(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "document_edit", dashView(c, "jobs", p))
}

// submitEditDocument saves the edited HTML, sanitised as the API does.
func (s *Server) submitEditDocument(c *fiber.Ctx) error {
	p, err := s.documentPageData(c)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	p.Edit = form.Get("content")
	if len(p.Edit) > models.MaxDocumentBytes {
		err = &models.ValidationError{Fields: map[string]string{"content": "must be at most " + strconv.Itoa(models.MaxDocumentBytes>>10) + " KB"}}
	} else {
		_, err = s.editDocument(c, mustPrincipal(c).UserID, p.Doc.ID, p.Edit)
	}
	if err != nil {
		st, msg, fields, ok := formProblem(err)
		if !ok {
			return err
		}
		v := dashView(c, "jobs", p)
		v.Error, v.Fields = msg, fields
		return s.render(c, st, "document_edit", v)
	}
	return seeOther(c, withDone("/documents/"+strconv.FormatInt(p.Doc.ID, 10), "updated"))
}

// submitDeleteDocument deletes a document once confirmed (confirm=yes).
func (s *Server) submitDeleteDocument(c *fiber.Ctx) error {
	p, err := s.documentPageData(c)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(p.Doc.ID, 10)
	back := "/jobs"
	if p.Doc.JobID != nil {
		back = "/jobs/" + strconv.FormatInt(*p.Doc.JobID, 10)
	}
	if form.Get("confirm") != "yes" {
		return s.render(c, fiber.StatusOK, "confirm_delete", dashView(c, "jobs", &confirmPage{
			What: "the document “" + p.Doc.Title + "”", Action: "/documents/" + id + "/delete", Back: "/documents/" + id}))
	}
	if err := s.deps.Store.DeleteDocument(c.UserContext(), mustPrincipal(c).UserID, p.Doc.ID); err != nil {
		return err
	}
	return seeOther(c, withDone(back, "doc-del"))
}
