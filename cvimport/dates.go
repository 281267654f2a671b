package cvimport

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The date forms CVs use: "Jan 2020", "January 2020", "Summer 2017",
// "03/2018", "2018-03", "2019"; a range joins two of them (or one and
// "Present") with a dash, "to" or "until".
const (
	monthRE  = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`
	seasonRE = `(?:spring|summer|fall|autumn|winter)`
	pointRE  = `(?:(?:` + monthRE + `|` + seasonRE + `)(?:\s+\d{1,2},)?,?\s+(?:19|20)\d{2}|\d{1,2}[/.](?:19|20)\d{2}|(?:19|20)\d{2}[-/.]\d{1,2}|(?:19|20)\d{2})`
	nowRE    = `(?:present|current|now|today|ongoing)`
)

var (
	rangeRx = regexp.MustCompile(`(?i)\b(` + pointRE + `)\b\s*(?:-|–|—|‒|to|until|till)\s*\b(` + pointRE + `|` + nowRE + `)\b`)
	pointRx = regexp.MustCompile(`(?i)\b(` + pointRE + `)\b`)
	nowRx   = regexp.MustCompile(`(?i)^` + nowRE + `$`)
	monthNr = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
	seasons = map[string]time.Month{"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
)

// dateSpan is a date or range found in a line: its place in the line, its
// start and its end (nil with current for "Present").
type dateSpan struct {
	lo, hi     int
	start, end *time.Time
	current    bool
	isRange    bool
}

// findRange returns the first date range of s.
func findRange(s string) (dateSpan, bool) {
	for _, m := range rangeRx.FindAllStringSubmatchIndex(s, -1) {
		start, ok := parsePoint(s[m[2]:m[3]])
		if !ok {
			continue
		}
		d := dateSpan{lo: m[0], hi: m[1], start: &start, isRange: true}
		second := s[m[4]:m[5]]
		if nowRx.MatchString(second) {
			d.current = true
			return d, true
		}
		end, ok := parsePoint(second)
		if !ok || end.Before(start) {
			continue
		}
		d.end = &end
		return d, true
	}
	return dateSpan{}, false
}

// findDate returns the first date range of s or, failing that, its first
// single date (start and end both that date).
func findDate(s string) (dateSpan, bool) {
	if d, ok := findRange(s); ok {
		return d, true
	}
	for _, m := range pointRx.FindAllStringSubmatchIndex(s, -1) {
		t, ok := parsePoint(s[m[2]:m[3]])
		if !ok {
			continue
		}
		t2 := t
		return dateSpan{lo: m[0], hi: m[1], start: &t, end: &t2}, true
	}
	return dateSpan{}, false
}

// allPoints returns every single date of s, in order.
func allPoints(s string) []time.Time {
	var out []time.Time
	for _, m := range pointRx.FindAllStringSubmatchIndex(s, -1) {
		if t, ok := parsePoint(s[m[2]:m[3]]); ok {
			out = append(out, t)
		}
	}
	return out
}

// parsePoint reads one date (the first of its month, UTC).
func parsePoint(s string) (time.Time, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	year, month := 0, time.January
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '/' || r == '.' || r == '-' })
	switch {
	case len(fields) == 1:
		year, _ = strconv.Atoi(fields[0])
	case len(fields) >= 2 && (fields[0][0] < '0' || fields[0][0] > '9'):
		name := fields[0]
		if m, ok := seasons[name]; ok {
			month = m
		} else if m, ok := monthNr[name[:min(3, len(name))]]; ok {
			month = m
		} else {
			return time.Time{}, false
		}
		year, _ = strconv.Atoi(fields[len(fields)-1])
	case len(fields) == 2:
		a, _ := strconv.Atoi(fields[0])
		b, _ := strconv.Atoi(fields[1])
		if len(fields[0]) == 4 {
			year, month = a, time.Month(b)
		} else {
			year, month = b, time.Month(a)
		}
	default:
		return time.Time{}, false
	}
	if year < 1950 || year > 2100 || month < 1 || month > 12 {
		return time.Time{}, false
	}
	return time.Date(year, month, 1, 0, 0, 0, 0, time.UTC), true
}
