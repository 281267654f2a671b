package scraper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/vega-ai/vega/scraper/skills"
)

// maxJSONNodes bounds how many JSON values one walk may visit.
const maxJSONNodes = 200000

// decodeLenient decodes every JSON value in s, tolerating what real pages ship:
// HTML comment and CDATA wrappers, trailing commas, raw control characters in
// strings, invalid escapes and several values concatenated.
func decodeLenient(s string) []any {
	s = stripWrappers(s)
	if s == "" {
		return nil
	}
	if vals, ok := decodeAll([]byte(s)); ok {
		return vals
	}
	vals, _ := decodeAll(repairJSON(s))
	return vals
}

func stripWrappers(s string) string {
	s = strings.TrimSpace(s)
	for changed := true; changed; {
		changed = false
		for _, w := range [][2]string{{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"//<![CDATA[", "//]]>"}, {"/*<![CDATA[*/", "/*]]>*/"}} {
			if strings.HasPrefix(s, w[0]) {
				s = strings.TrimSpace(s[len(w[0]):])
				changed = true
			}
			if strings.HasSuffix(s, w[1]) {
				s = strings.TrimSpace(s[:len(s)-len(w[1])])
				changed = true
			}
		}
	}
	return strings.TrimSuffix(s, ";")
}

// decodeAll decodes consecutive JSON values; ok is false if any failed, in
// which case the values decoded before the failure are still returned.
func decodeAll(b []byte) ([]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, true
			}
			return out, false
		}
		out = append(out, v)
		if len(out) > 1000 {
			return out, true
		}
	}
}

// repairJSON fixes the common breakages of hand-written JSON-LD.
func repairJSON(s string) []byte {
	out := make([]byte, 0, len(s)+16)
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch {
			case c == '\\':
				if i+1 >= len(s) {
					continue
				}
				n := s[i+1]
				switch n {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u':
					out = append(out, c, n)
				default: // \' and friends: keep the character
					out = append(out, n)
				}
				i++
			case c == '"':
				inStr = false
				out = append(out, c)
			case c == '\n':
				out = append(out, '\\', 'n')
			case c == '\r':
				out = append(out, '\\', 'r')
			case c == '\t':
				out = append(out, '\\', 't')
			case c < 0x20:
				out = append(out, ' ')
			default:
				out = append(out, c)
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
			out = append(out, c)
		case ',':
			// drop a comma followed only by white space and a closing bracket
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\n' || s[j] == '\r' || s[j] == '\t') {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				continue
			}
			out = append(out, c)
		case '}':
			out = append(out, c)
			// "}{" or "}\n{": separate concatenated objects (the decoder handles them)
		default:
			out = append(out, c)
		}
	}
	return out
}

// ldResult is what the JSON-LD blocks of a page say.
type ldResult struct {
	postings  []map[string]any
	ids       map[string]map[string]any
	itemLists int
}

// collectJSONLD finds every JobPosting in the page's JSON-LD blocks.
func collectJSONLD(blocks []string) *ldResult {
	r := &ldResult{ids: map[string]map[string]any{}}
	budget := maxJSONNodes
	for _, b := range blocks {
		for _, v := range decodeLenient(b) {
			r.walk(v, 0, &budget)
		}
	}
	return r
}

func (r *ldResult) walk(v any, depth int, budget *int) {
	if depth > 64 || *budget <= 0 {
		return
	}
	*budget--
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			r.walk(e, depth+1, budget)
		}
	case map[string]any:
		if id, ok := t["@id"].(string); ok && len(t) > 1 {
			r.ids[id] = t
		}
		if hasType(t, "JobPosting") {
			r.postings = append(r.postings, t)
		}
		if hasType(t, "ItemList") {
			r.itemLists++
		}
		for k, e := range t {
			if k == "description" || k == "@context" {
				continue
			}
			switch e.(type) {
			case map[string]any, []any:
				r.walk(e, depth+1, budget)
			}
		}
	}
}

// hasType reports whether obj's @type (string or list, any prefix) names typ.
func hasType(obj map[string]any, typ string) bool {
	match := func(s string) bool {
		if i := strings.LastIndexAny(s, "/:#"); i >= 0 {
			s = s[i+1:]
		}
		return strings.EqualFold(strings.TrimSpace(s), typ)
	}
	switch t := obj["@type"].(type) {
	case string:
		return match(t)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && match(s) {
				return true
			}
		}
	}
	return false
}

// str returns v as a string if it is a string or number.
func str(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return ""
	case []any:
		if len(t) > 0 {
			return str(t[0])
		}
	}
	return ""
}

// name returns the name of a thing given as a string, an object with a name,
// or a list of either.
func name(v any) string {
	switch t := v.(type) {
	case string:
		return cleanInline(t)
	case map[string]any:
		for _, k := range []string{"name", "legalName", "alternateName", "value"} {
			if s := str(t[k]); s != "" {
				return cleanInline(s)
			}
		}
	case []any:
		for _, e := range t {
			if s := name(e); s != "" {
				return s
			}
		}
	}
	return ""
}

func num(v any) float64 {
	var f float64
	var err error
	switch t := v.(type) {
	case json.Number:
		f, err = t.Float64()
	case float64:
		f = t
	case string:
		s := strings.NewReplacer(",", "", " ", "", "$", "", "€", "", "£", "").Replace(strings.TrimSpace(t))
		f, err = strconv.ParseFloat(s, 64)
	default:
		return 0
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return 0
	}
	return f
}

// fromJSONLD maps a schema.org JobPosting onto a candidate.
func (pg *page) fromJSONLD(jp map[string]any, ids map[string]map[string]any) *candidate {
	c := &candidate{source: srcJSONLD, strong: true}
	resolve := func(v any) any {
		if m, ok := v.(map[string]any); ok && len(m) == 1 {
			if id, ok := m["@id"].(string); ok && ids[id] != nil {
				return ids[id]
			}
		}
		return v
	}
	c.title = cleanInline(str(jp["title"]))
	if c.title == "" {
		c.title = cleanInline(str(jp["name"]))
	}
	c.company = name(resolve(jp["hiringOrganization"]))
	c.location = ldLocation(jp["jobLocation"], 0)

	remote := false
	switch t := jp["jobLocationType"].(type) {
	case string:
		remote = strings.Contains(strings.ToUpper(t), "TELECOMMUTE") || strings.Contains(strings.ToLower(t), "remote")
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && strings.Contains(strings.ToUpper(s), "TELECOMMUTE") {
				remote = true
			}
		}
	}
	if remote {
		c.workplace = "remote"
		c.remoteCountries = ldCountries(jp["applicantLocationRequirements"])
		if c.location == "" {
			c.location = "Remote"
			if len(c.remoteCountries) > 0 {
				c.location += " (" + strings.Join(c.remoteCountries, ", ") + ")"
			}
		}
	}
	c.jobType = ldJobType(jp["employmentType"])

	desc := str(jp["description"])
	if desc == "" {
		desc = composeDescription(jp)
	}
	if desc != "" {
		desc = unescapeMarkup(desc)
		if looksLikeHTML(desc) {
			c.descHTML = desc
		} else {
			c.descPlain = htmlUnescapeOnce(desc)
		}
	}
	c.salary = ldSalary(jp["baseSalary"], str(jp["salaryCurrency"]))
	if c.salary == nil {
		c.salary = ldSalary(jp["estimatedSalary"], str(jp["salaryCurrency"]))
	}
	c.skills = ldSkills(jp["skills"])
	switch t := jp["identifier"].(type) {
	case map[string]any:
		c.jobID = str(t["value"])
		if c.jobID == "" {
			c.jobID = str(t["@id"])
		}
	case []any:
		if len(t) > 0 {
			if m, ok := t[0].(map[string]any); ok {
				c.jobID = str(m["value"])
			} else {
				c.jobID = str(t[0])
			}
		}
	default:
		c.jobID = str(t)
	}
	c.datePosted = normDate(str(jp["datePosted"]))
	c.validThrough = normDate(str(jp["validThrough"]))
	if u := str(jp["url"]); u != "" {
		c.url = resolveURL(pg.u, u)
	}
	return c
}

func htmlUnescapeOnce(s string) string {
	if strings.Contains(s, "&") {
		return unescapeEntities(s)
	}
	return s
}

// composeDescription builds a description from the narrative properties a
// JobPosting may carry instead of one.
func composeDescription(jp map[string]any) string {
	var parts []string
	for _, k := range []string{"responsibilities", "qualifications", "educationRequirements", "experienceRequirements", "skills", "jobBenefits"} {
		if s, ok := jp[k].(string); ok && strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n\n")
}

// ldLocation joins one or many Places into "Locality, Region, Country"; places
// are separated by "; ".
func ldLocation(v any, depth int) string {
	if depth > 8 {
		return ""
	}
	switch t := v.(type) {
	case string:
		return cleanInline(t)
	case []any:
		var out []string
		seen := map[string]bool{}
		for _, e := range t {
			s := ldLocation(e, depth+1)
			if s != "" && !seen[strings.ToLower(s)] {
				seen[strings.ToLower(s)] = true
				out = append(out, s)
			}
			if len(out) == 5 {
				break
			}
		}
		return strings.Join(out, "; ")
	case map[string]any:
		if addr, ok := t["address"]; ok {
			switch a := addr.(type) {
			case string:
				return cleanInline(a)
			case map[string]any:
				return joinAddress(str(a["addressLocality"]), str(a["addressRegion"]), countryName(name(a["addressCountry"])))
			case []any:
				return ldLocation(map[string]any{"address": firstOf(a)}, depth+1)
			}
		}
		if t["addressLocality"] != nil || t["addressCountry"] != nil {
			return joinAddress(str(t["addressLocality"]), str(t["addressRegion"]), countryName(name(t["addressCountry"])))
		}
		return name(t)
	}
	return ""
}

func firstOf(a []any) any {
	if len(a) > 0 {
		return a[0]
	}
	return nil
}

// joinAddress joins locality, region and country, expanding region and
// country codes and dropping repeats ("Singapore, Singapore").
func joinAddress(locality, region, country string) string {
	locality, region, country = cleanInline(locality), cleanInline(region), cleanInline(country)
	region = regionName(region, country)
	var parts []string
	seen := map[string]bool{}
	for _, s := range []string{locality, region, country} {
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		// a locality such as "AMER - Canada - Quebec - Montreal" already names the country
		if s == country && len(parts) > 0 && strings.Contains(strings.ToLower(parts[0]), strings.ToLower(country)) {
			continue
		}
		seen[strings.ToLower(s)] = true
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func ldCountries(v any) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = countryName(s)
		if s != "" && !seen[strings.ToLower(s)] && len(out) < 50 {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	switch t := v.(type) {
	case string:
		for _, s := range strings.Split(t, ",") {
			add(strings.TrimSpace(s))
		}
	case map[string]any:
		add(name(t))
	case []any:
		for _, e := range t {
			add(name(e))
		}
	}
	return out
}

func ldJobType(v any) string {
	switch t := v.(type) {
	case string:
		// "FULL_TIME, PART_TIME" or "Full-time"
		for _, part := range strings.Split(t, ",") {
			if jt := mapJobType(part); jt != "" {
				return jt
			}
		}
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				if jt := mapJobType(s); jt != "" {
					return jt
				}
			}
		}
	}
	return ""
}

// ldSalary reads a MonetaryAmount, a bare number or a numeric string.
func ldSalary(v any, currency string) *Salary {
	s := &Salary{Currency: strings.ToUpper(strings.TrimSpace(currency))}
	switch t := v.(type) {
	case nil:
		return nil
	case string, json.Number, float64:
		s.Min = num(t)
		if s.Min == 0 {
			if ps := parseSalaryText(str(t), ""); ps != nil {
				if s.Currency != "" {
					ps.Currency = s.Currency
				}
				return ps
			}
			return nil
		}
	case map[string]any:
		if c := str(t["currency"]); c != "" {
			s.Currency = strings.ToUpper(c)
		}
		val := t["value"]
		if m, ok := val.(map[string]any); ok {
			s.Min, s.Max = num(m["minValue"]), num(m["maxValue"])
			if s.Min == 0 && s.Max == 0 {
				s.Min = num(m["value"])
			}
			s.Period = normPeriod(str(m["unitText"]))
		} else {
			s.Min = num(val)
			if s.Min == 0 {
				s.Min, s.Max = num(t["minValue"]), num(t["maxValue"])
			}
		}
		if s.Period == "" {
			s.Period = normPeriod(str(t["unitText"]))
		}
	case []any:
		if len(t) > 0 {
			return ldSalary(t[0], currency)
		}
		return nil
	default:
		return nil
	}
	if s.Min == 0 && s.Max == 0 {
		return nil
	}
	if s.Min == s.Max {
		s.Max = 0
	}
	if s.Max != 0 && s.Max < s.Min {
		s.Min, s.Max = s.Max, s.Min
	}
	if len(s.Currency) != 3 {
		s.Currency = ""
	}
	return s
}

// ldSkills reads skills given as text, a list, or DefinedTerms, canonicalising
// names the skills dictionary knows and keeping short unknown ones.
func ldSkills(v any) []string {
	var raw []string
	var collect func(v any, depth int)
	collect = func(v any, depth int) {
		if depth > 4 || len(raw) > 200 {
			return
		}
		switch t := v.(type) {
		case string:
			for _, s := range strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '•' || r == '|' }) {
				raw = append(raw, s)
			}
		case map[string]any:
			if s := name(t); s != "" {
				raw = append(raw, s)
			} else if s := str(t["termCode"]); s != "" {
				raw = append(raw, s)
			}
		case []any:
			for _, e := range t {
				collect(e, depth+1)
			}
		}
	}
	collect(v, 0)
	var out []string
	for _, s := range raw {
		s = cleanInline(s)
		if s == "" {
			continue
		}
		if c, ok := skills.Canonical(s); ok {
			out = append(out, c)
			continue
		}
		if len(s) <= 40 && len(strings.Fields(s)) <= 4 {
			out = append(out, s)
			continue
		}
		out = append(out, skills.Find(s)...)
	}
	return out
}

// pickPosting chooses the posting that the page is about. When several
// distinct postings are present and none matches the page URL it returns nil
// and ambiguous=true rather than guess.
func (pg *page) pickPosting(r *ldResult) (jp map[string]any, ambiguous bool) {
	var distinct []map[string]any
	seen := map[string]bool{}
	for _, p := range r.postings {
		key := strings.ToLower(str(p["title"]) + "|" + str(p["name"]) + "|" + str(p["url"]) + "|" + fmt.Sprint(p["identifier"]))
		if !seen[key] {
			seen[key] = true
			distinct = append(distinct, p)
		}
	}
	switch len(distinct) {
	case 0:
		return nil, false
	case 1:
		return distinct[0], false
	}
	for _, p := range distinct {
		if u := str(p["url"]); u != "" {
			if abs := resolveURL(pg.u, u); abs != "" {
				if cu, err := CanonicalURL(abs); err == nil && cu == pg.canon {
					return p, false
				}
			}
		}
	}
	for _, p := range distinct {
		id := ""
		if m, ok := p["identifier"].(map[string]any); ok {
			id = str(m["value"])
		} else {
			id = str(p["identifier"])
		}
		if len(id) >= 4 && strings.Contains(pg.canon, id) {
			return p, false
		}
	}
	// Same title everywhere (one job in several locations): take the first.
	t0 := strings.ToLower(str(distinct[0]["title"]))
	same := t0 != ""
	for _, p := range distinct[1:] {
		if strings.ToLower(str(p["title"])) != t0 {
			same = false
		}
	}
	if same {
		return distinct[0], false
	}
	return nil, true
}
