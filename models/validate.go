package models

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on stored values. Character limits count runes; byte limits count
// bytes of UTF-8.
const (
	MaxTitleChars       = 500     // job title, names of companies, institutions, degrees…
	MaxDescriptionBytes = 1 << 20 // job description: 1 MB
	MaxNotesBytes       = 100 << 10
	MaxLongTextBytes    = 100 << 10 // career summary, profile context, experience descriptions
	MaxURLChars         = 2048
	MaxShortTextChars   = 200 // first and last name, phone number, credential id
	MaxEmailChars       = 254
	MaxSkills           = 200
	MaxSkillChars       = 100
	MaxQueryChars       = 500
	MinUsernameChars    = 3
	MaxUsernameChars    = 64
	MaxPasswordHashLen  = 255
)

// validator collects field problems into a ValidationError.
type validator struct{ e ValidationError }

func (v *validator) add(field, msg string) { v.e.Add(field, msg) }

func (v *validator) err() error { return v.e.errOrNil() }

// required checks that s is not blank.
func (v *validator) required(field, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(field, "is required")
	}
}

// maxChars checks that s has at most n runes, is valid UTF-8 and holds no
// NUL character (which PostgreSQL cannot store in text and SQLite's text
// functions stop at).
func (v *validator) maxChars(field, s string, n int) {
	if !utf8.ValidString(s) {
		v.add(field, "is not valid UTF-8")
	} else if strings.IndexByte(s, 0) >= 0 {
		v.add(field, "must not contain NUL characters")
	} else if utf8.RuneCountInString(s) > n {
		v.add(field, "must be at most "+strconv.Itoa(n)+" characters")
	}
}

// maxBytes checks that s has at most n bytes, is valid UTF-8 and holds no
// NUL character.
func (v *validator) maxBytes(field, s string, n int) {
	if !utf8.ValidString(s) {
		v.add(field, "is not valid UTF-8")
	} else if strings.IndexByte(s, 0) >= 0 {
		v.add(field, "must not contain NUL characters")
	} else if len(s) > n {
		v.add(field, "must be at most "+byteSize(n))
	}
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KB"
	}
	return strconv.Itoa(n) + " bytes"
}

// absURL checks that s is an absolute http or https URL of at most
// MaxURLChars characters. An empty s passes; combine with required.
func (v *validator) absURL(field, s string) {
	if s == "" {
		return
	}
	if utf8.RuneCountInString(s) > MaxURLChars {
		v.add(field, "must be at most "+strconv.Itoa(MaxURLChars)+" characters")
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(field, "must be an http or https URL")
	}
}

// link checks a URL a person typed into a profile: at most MaxURLChars
// characters and, if it names a scheme, http or https ("github.com/me" is
// fine, "javascript:..." is not).
func (v *validator) link(field, s string) {
	if s == "" {
		return
	}
	if utf8.RuneCountInString(s) > MaxURLChars {
		v.add(field, "must be at most "+strconv.Itoa(MaxURLChars)+" characters")
		return
	}
	u, err := url.Parse(s)
	if err != nil {
		v.add(field, "must be a URL")
		return
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		v.add(field, "must be an http or https URL")
	}
}

// skills checks a list of skills.
func (v *validator) skills(field string, l StringList) {
	if len(l) > MaxSkills {
		v.add(field, "must have at most "+strconv.Itoa(MaxSkills)+" items")
		return
	}
	for _, s := range l {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxSkillChars {
			v.add(field, "items must be at most "+strconv.Itoa(MaxSkillChars)+" characters")
			return
		}
	}
}

// dateRange checks that start is set and end, if set, is not before it.
func (v *validator) dateRange(startField string, start time.Time, endField string, end *time.Time) {
	if start.IsZero() {
		v.add(startField, "is required")
		return
	}
	if end != nil && end.Before(start) {
		v.add(endField, "must not be before "+startField)
	}
}

// collapseSpace trims s and collapses every run of white space to one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// optString turns a blank string into nil and trims anything else.
func optString(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// utcPtr returns t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
