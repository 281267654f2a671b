package dbcopy

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// kind is how a value is converted for its target column.
type kind int

const (
	kindOther kind = iota // passed on as read
	kindBool
	kindInt
	kindText
	kindTime
	kindBytes
)

// kindOf returns the conversion for a PostgreSQL column of the given
// information_schema data_type.
func kindOf(dataType string) kind {
	switch dataType {
	case "boolean":
		return kindBool
	case "smallint", "integer", "bigint":
		return kindInt
	case "text", "character varying", "character", "json", "jsonb":
		return kindText
	case "timestamp with time zone", "timestamp without time zone", "date":
		return kindTime
	case "bytea":
		return kindBytes
	}
	return kindOther
}

// convert returns v, as read from SQLite, in the Go type PostgreSQL's
// driver stores in a column of kind k, and whether text was repaired.
func convert(k kind, v any) (any, bool, error) {
	if v == nil {
		return nil, false, nil
	}
	switch k {
	case kindBool:
		return toBool(v)
	case kindInt:
		return toInt(v)
	case kindText:
		return toText(v)
	case kindTime:
		return toTime(v)
	case kindBytes:
		if s, ok := v.(string); ok {
			return []byte(s), false, nil
		}
	}
	return v, false, nil
}

func toBool(v any) (any, bool, error) {
	switch x := v.(type) {
	case bool:
		return x, false, nil
	case int64:
		return x != 0, false, nil
	case float64:
		return x != 0, false, nil
	case string:
		return parseBool(x)
	case []byte:
		return parseBool(string(x))
	}
	return nil, false, fmt.Errorf("cannot read %T as a boolean", v)
}

func parseBool(s string) (any, bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return nil, false, fmt.Errorf("cannot read %q as a boolean", s)
	}
	return b, false, nil
}

func toInt(v any) (any, bool, error) {
	switch x := v.(type) {
	case int64:
		return x, false, nil
	case float64:
		if x == math.Trunc(x) && x >= math.MinInt64 && x < math.MaxInt64 {
			return int64(x), false, nil
		}
		return nil, false, fmt.Errorf("cannot store %v in an integer column", x)
	case bool:
		if x {
			return int64(1), false, nil
		}
		return int64(0), false, nil
	case string:
		return parseInt(x)
	case []byte:
		return parseInt(string(x))
	}
	return nil, false, fmt.Errorf("cannot read %T as an integer", v)
}

func parseInt(s string) (any, bool, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("cannot read %q as an integer", s)
	}
	return n, false, nil
}

func toText(v any) (any, bool, error) {
	switch x := v.(type) {
	case string:
		s, repaired := repairText(x)
		return s, repaired, nil
	case []byte:
		s, repaired := repairText(string(x))
		return s, repaired, nil
	case int64:
		return strconv.FormatInt(x, 10), false, nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), false, nil
	case bool:
		return strconv.FormatBool(x), false, nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), false, nil
	}
	return nil, false, fmt.Errorf("cannot read %T as text", v)
}

// repairText returns s without NUL bytes and with each run of invalid UTF-8
// bytes replaced by U+FFFD, which PostgreSQL's text can store, and whether
// that changed anything.
func repairText(s string) (string, bool) {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s, false
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD"), true
}

func toTime(v any) (any, bool, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Truncate(time.Microsecond), false, nil
	case string:
		return parseTime(x)
	case []byte:
		return parseTime(string(x))
	}
	return nil, false, fmt.Errorf("cannot read %T %v as a time", v, v)
}

// timeLayouts are the forms in which SQLite holds times: those of the
// SQLite driver (which writes the first), of SQLite's own date functions
// and of Go's time.Time.String.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01-02 15:04:05.999999999 -0700 MST",
}

// errBadTime is the cause of a time that does not parse.
var errBadTime = errors.New("not a time SQLite or Vega writes")

// parseTime reads a time held as text; one without a zone is in UTC.
func parseTime(s string) (any, bool, error) {
	t := strings.TrimSpace(s)
	if i := strings.Index(t, " m="); i > 0 { // time.Time.String's monotonic clock reading
		t = t[:i]
	}
	t = strings.TrimSuffix(t, "Z")
	for _, layout := range timeLayouts {
		if p, err := time.ParseInLocation(layout, t, time.UTC); err == nil {
			return p.UTC().Truncate(time.Microsecond), false, nil
		}
	}
	return nil, false, fmt.Errorf("cannot read %q as a time: %w", s, errBadTime)
}
