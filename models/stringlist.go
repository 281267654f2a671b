package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
)

// StringList is a list of strings stored in a TEXT column as a JSON array
// (jobs.required_skills, profiles.skills). NULL and the empty string read as
// an empty list (GORM leaves a NULL column's field nil, which is empty too,
// and marshals to [] like any empty list); text that is not a JSON array (older rows) is read as a
// comma-separated list. An empty list is stored as "[]".
type StringList []string

// Scan reads the list from a database value.
func (l *StringList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*l = StringList{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("models: cannot scan %T into StringList", src)
	}
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		*l = StringList{}
		return nil
	}
	if strings.HasPrefix(s, "[") {
		var out []string
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return fmt.Errorf("models: StringList: %w", err)
		}
		if out == nil {
			out = []string{}
		}
		*l = out
		return nil
	}
	out := StringList{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	*l = out
	return nil
}

// Value stores the list as a JSON array; nil and empty lists become "[]".
func (l StringList) Value() (driver.Value, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// GormDataType tells GORM the column holds text.
func (StringList) GormDataType() string { return "text" }

// MarshalJSON writes the list as a JSON array, never null.
func (l StringList) MarshalJSON() ([]byte, error) {
	if l == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(l))
}

// clean returns the list with each item trimmed and empty and repeated
// (case-insensitively) items dropped, keeping the first spelling.
func (l StringList) clean() StringList {
	out := make(StringList, 0, len(l))
	seen := make(map[string]bool, len(l))
	for _, s := range l {
		s = collapseSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
