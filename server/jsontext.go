package server

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/vega-ai/vega/models"
)

// errBodyNotUTF8 refuses a JSON body with bytes that are not UTF-8:
// encoding/json would silently turn them into U+FFFD, saving something
// other than what was sent. (A browser's JSON.stringify never produces
// them: lone surrogates are escaped.)
var errBodyNotUTF8 = &models.ValidationError{Fields: map[string]string{"body": "is not valid UTF-8"}}

// nulAllowed names the JSON fields that may hold a NUL character: the
// HTML of a captured page, which the scraper's HTML parser handles.
var nulAllowed = map[string]bool{"html": true}

// checkDecodedText refuses a decoded request whose text fields hold a NUL
// character (JSON "\u0000"): no field of Vega means one, and SQLite's text
// functions stop at it. It returns a *models.ValidationError naming every
// such field.
func checkDecodedText(dst any) error {
	ve := &models.ValidationError{}
	walkText(reflect.ValueOf(dst), "", 0, func(path, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			ve.Add(path, "must not contain NUL characters")
		}
	})
	if len(ve.Fields) > 0 {
		return ve
	}
	return nil
}

// walkText calls f with every string reachable from v (struct fields by
// their JSON names, pointers, slices, map values), skipping []byte and the
// fields in nulAllowed. depth bounds the walk.
func walkText(v reflect.Value, path string, depth int, f func(path, s string)) {
	if depth > 32 || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), path, depth+1, f)
		}
	case reflect.String:
		f(path, v.String())
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // []byte, json.RawMessage: decoded again into a checked type
		}
		for i := 0; i < v.Len(); i++ {
			walkText(v.Index(i), path, depth+1, f)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			name := path
			if it.Key().Kind() == reflect.String {
				name = joinPath(path, it.Key().String())
				if strings.IndexByte(it.Key().String(), 0) >= 0 {
					f(name, it.Key().String())
				}
			}
			walkText(it.Value(), name, depth+1, f)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if nulAllowed[name] {
				continue
			}
			if sf.Anonymous {
				walkText(v.Field(i), path, depth+1, f)
				continue
			}
			walkText(v.Field(i), joinPath(path, name), depth+1, f)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// validUTF8 reports whether a request body is UTF-8.
func validUTF8(body []byte) bool { return utf8.Valid(body) }
