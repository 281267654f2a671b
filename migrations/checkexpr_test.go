package migrations

// canonicalCheck and its parser: the canonical form in which the neutral
// description (neutral_test.go) states CHECK constraints.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// mustCanonicalCheck is canonicalCheck, failing t on an expression it cannot
// read.
func mustCanonicalCheck(t *testing.T, table, expr string) string {
	t.Helper()
	c, err := canonicalCheck(expr)
	if err != nil {
		t.Fatalf("table %s: CHECK %s: %v", table, expr, err)
	}
	return c
}

// canonicalCheck parses a CHECK expression, as written in SQLite or as
// pg_get_constraintdef prints it, and writes it back in one canonical form:
// every operation in its own parentheses, keywords and identifiers lower
// case, casts dropped, AND and OR chains flattened, != as <>, = as =, and
// "x = ANY (ARRAY[...])" / "x <> ALL (ARRAY[...])" as "x in (...)" / "x not
// in (...)". It reads the subset of SQL found in CHECK constraints (columns,
// literals, comparisons, IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE,
// arithmetic, function calls) and fails on anything else rather than guess.
func canonicalCheck(expr string) (string, error) {
	toks, err := lexSQL(expr)
	if err != nil {
		return "", err
	}
	p := &exprParser{toks: toks}
	n, err := p.or()
	if err != nil {
		return "", err
	}
	if p.pos < len(p.toks) {
		return "", fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	return n.String(), nil
}

// token is one lexical token of an expression: kind is 'i' (identifier or
// keyword, lower case), 'n' (number), 's' (string literal, with its quotes)
// or 'o' (operator or punctuation).
type token struct {
	kind byte
	text string
}

// lexSQL splits an expression into tokens.
func lexSQL(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			out = append(out, token{'s', s[i : j+1]})
			i = j + 1
		case c == '"' || c == '`':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated identifier")
			}
			out = append(out, token{'i', strings.ToLower(s[i+1 : i+1+j])})
			i += j + 2
		case c == '_' || 'a' <= c|0x20 && c|0x20 <= 'z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] == '$' || '0' <= s[j] && s[j] <= '9' || 'a' <= s[j]|0x20 && s[j]|0x20 <= 'z') {
				j++
			}
			out = append(out, token{'i', strings.ToLower(s[i:j])})
			i = j
		case '0' <= c && c <= '9':
			j := i
			for j < len(s) && ('0' <= s[j] && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{'n', s[i:j]})
			i = j
		default:
			op := ""
			for _, o := range []string{"::", "<=", ">=", "<>", "!=", "==", "||", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ","} {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, fmt.Errorf("unexpected character %q", c)
			}
			out = append(out, token{'o', op})
			i += len(op)
		}
	}
	return out, nil
}

// exprNode is a parsed expression: a leaf (column, literal) or an operation.
type exprNode struct {
	op   string // "" for a leaf
	leaf string
	kids []*exprNode
}

// String writes the node in canonical form.
func (n *exprNode) String() string {
	kids := make([]string, len(n.kids))
	for i, k := range n.kids {
		kids[i] = k.String()
	}
	switch n.op {
	case "":
		return n.leaf
	case "and", "or":
		return "(" + strings.Join(kids, " "+n.op+" ") + ")"
	case "not", "-":
		if len(kids) == 1 {
			return "(" + n.op + " " + kids[0] + ")"
		}
	case "is null", "is not null":
		return "(" + kids[0] + " " + n.op + ")"
	case "in", "not in":
		return "(" + kids[0] + " " + n.op + " (" + strings.Join(kids[1:], ", ") + "))"
	case "between", "not between":
		return "(" + kids[0] + " " + n.op + " " + kids[1] + " and " + kids[2] + ")"
	case "call":
		return n.leaf + "(" + strings.Join(kids, ", ") + ")"
	case "array":
		return "array[" + strings.Join(kids, ", ") + "]"
	}
	return "(" + strings.Join(kids, " "+n.op+" ") + ")"
}

// exprParser is a recursive-descent parser over tokens, one method per
// precedence level, loosest first.
type exprParser struct {
	toks []token
	pos  int
}

func (p *exprParser) peek(kind byte, text string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == kind && p.toks[p.pos].text == text
}

func (p *exprParser) accept(kind byte, text string) bool {
	if p.peek(kind, text) {
		p.pos++
		return true
	}
	return false
}

func (p *exprParser) expect(kind byte, text string) error {
	if !p.accept(kind, text) {
		if p.pos < len(p.toks) {
			return fmt.Errorf("want %q, got %q", text, p.toks[p.pos].text)
		}
		return fmt.Errorf("want %q at the end", text)
	}
	return nil
}

// chain parses operands separated by the keyword op, flattening nested
// chains of the same operator.
func (p *exprParser) chain(op string, next func() (*exprNode, error)) (*exprNode, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	if !p.peek('i', op) {
		return first, nil
	}
	n := &exprNode{op: op}
	add := func(k *exprNode) {
		if k.op == op {
			n.kids = append(n.kids, k.kids...)
		} else {
			n.kids = append(n.kids, k)
		}
	}
	add(first)
	for p.accept('i', op) {
		k, err := next()
		if err != nil {
			return nil, err
		}
		add(k)
	}
	return n, nil
}

func (p *exprParser) or() (*exprNode, error)  { return p.chain("or", p.and) }
func (p *exprParser) and() (*exprNode, error) { return p.chain("and", p.not) }

func (p *exprParser) not() (*exprNode, error) {
	if p.accept('i', "not") {
		k, err := p.not()
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "not", kids: []*exprNode{k}}, nil
	}
	return p.predicate()
}

// list parses a comma-separated list of expressions up to the closing token.
func (p *exprParser) list(closing string) ([]*exprNode, error) {
	var out []*exprNode
	for {
		k, err := p.or()
		if err != nil {
			return nil, err
		}
		out = append(out, k)
		if !p.accept('o', ",") {
			return out, p.expect('o', closing)
		}
	}
}

func (p *exprParser) predicate() (*exprNode, error) {
	left, err := p.sum()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.accept('i', "is"):
			op := "is null"
			if p.accept('i', "not") {
				op = "is not null"
			}
			if err := p.expect('i', "null"); err != nil {
				return nil, err
			}
			left = &exprNode{op: op, kids: []*exprNode{left}}
		case p.peek('i', "not") || p.peek('i', "in") || p.peek('i', "between") || p.peek('i', "like"):
			negate := p.accept('i', "not")
			word := p.toks[p.pos].text
			p.pos++
			op := word
			if negate {
				op = "not " + word
			}
			switch word {
			case "in":
				if err := p.expect('o', "("); err != nil {
					return nil, err
				}
				items, err := p.list(")")
				if err != nil {
					return nil, err
				}
				left = &exprNode{op: op, kids: append([]*exprNode{left}, items...)}
			case "between":
				lo, err := p.sum()
				if err != nil {
					return nil, err
				}
				if err := p.expect('i', "and"); err != nil {
					return nil, err
				}
				hi, err := p.sum()
				if err != nil {
					return nil, err
				}
				left = &exprNode{op: op, kids: []*exprNode{left, lo, hi}}
			case "like":
				right, err := p.sum()
				if err != nil {
					return nil, err
				}
				left = &exprNode{op: op, kids: []*exprNode{left, right}}
			default:
				return nil, fmt.Errorf("unexpected %q after not", word)
			}
		case p.pos < len(p.toks) && p.toks[p.pos].kind == 'o' && strings.Contains(" = == <> != < <= > >= ", " "+p.toks[p.pos].text+" "):
			op := p.toks[p.pos].text
			p.pos++
			if op == "==" {
				op = "="
			} else if op == "!=" {
				op = "<>"
			}
			// x = ANY (ARRAY[...]) is PostgreSQL's IN; x <> ALL (...) its NOT IN.
			if (op == "=" && (p.peek('i', "any") || p.peek('i', "some"))) || (op == "<>" && p.peek('i', "all")) {
				p.pos++
				if err := p.expect('o', "("); err != nil {
					return nil, err
				}
				arr, err := p.sum()
				if err != nil {
					return nil, err
				}
				if err := p.expect('o', ")"); err != nil {
					return nil, err
				}
				if arr.op != "array" {
					return nil, fmt.Errorf("%s ANY/ALL of something other than an ARRAY[...]", op)
				}
				in := "in"
				if op == "<>" {
					in = "not in"
				}
				left = &exprNode{op: in, kids: append([]*exprNode{left}, arr.kids...)}
				continue
			}
			right, err := p.sum()
			if err != nil {
				return nil, err
			}
			left = &exprNode{op: op, kids: []*exprNode{left, right}}
		default:
			return left, nil
		}
	}
}

// binary parses a left-associative chain of the operators ops.
func (p *exprParser) binary(ops []string, next func() (*exprNode, error)) (*exprNode, error) {
	left, err := next()
	if err != nil {
		return nil, err
	}
	for p.pos < len(p.toks) && p.toks[p.pos].kind == 'o' && slices.Contains(ops, p.toks[p.pos].text) {
		op := p.toks[p.pos].text
		p.pos++
		right, err := next()
		if err != nil {
			return nil, err
		}
		left = &exprNode{op: op, kids: []*exprNode{left, right}}
	}
	return left, nil
}

func (p *exprParser) sum() (*exprNode, error) {
	return p.binary([]string{"+", "-", "||"}, p.product)
}

func (p *exprParser) product() (*exprNode, error) {
	return p.binary([]string{"*", "/", "%"}, p.unary)
}

func (p *exprParser) unary() (*exprNode, error) {
	if p.accept('o', "-") {
		k, err := p.unary()
		if err != nil {
			return nil, err
		}
		if k.op == "" && len(k.leaf) > 0 && '0' <= k.leaf[0] && k.leaf[0] <= '9' {
			return &exprNode{leaf: "-" + k.leaf}, nil
		}
		return &exprNode{op: "-", kids: []*exprNode{k}}, nil
	}
	if p.accept('o', "+") {
		return p.unary()
	}
	return p.cast()
}

// castTypeWords may follow the first word of a type name.
var castTypeWords = []string{"varying", "precision", "with", "without", "time", "zone"}

// cast parses a primary followed by any number of ::type casts, which it
// drops; a quoted number cast to a numeric type becomes the number.
func (p *exprParser) cast() (*exprNode, error) {
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.accept('o', "::") {
		if p.pos >= len(p.toks) || p.toks[p.pos].kind != 'i' {
			return nil, fmt.Errorf("a cast without a type")
		}
		typ := p.toks[p.pos].text
		p.pos++
		for p.pos < len(p.toks) && p.toks[p.pos].kind == 'i' && slices.Contains(castTypeWords, p.toks[p.pos].text) {
			p.pos++
		}
		if p.accept('o', "(") {
			if _, err := p.list(")"); err != nil {
				return nil, err
			}
		}
		if p.accept('o', "[") {
			if err := p.expect('o', "]"); err != nil {
				return nil, err
			}
		}
		if n.op == "" && strings.HasPrefix(n.leaf, "'") && slices.Contains([]string{"integer", "bigint", "smallint", "numeric", "int", "int4", "int8"}, typ) {
			if _, err := strconv.ParseFloat(strings.Trim(n.leaf, "'"), 64); err == nil {
				n = &exprNode{leaf: strings.Trim(n.leaf, "'")}
			}
		}
	}
	return n, nil
}

func (p *exprParser) primary() (*exprNode, error) {
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("unexpected end of expression")
	}
	tok := p.toks[p.pos]
	p.pos++
	switch tok.kind {
	case 'n', 's':
		return &exprNode{leaf: tok.text}, nil
	case 'i':
		switch tok.text {
		case "and", "or", "not", "is", "in", "between", "like", "any", "some", "all":
			return nil, fmt.Errorf("unexpected %q", tok.text)
		case "array":
			if err := p.expect('o', "["); err != nil {
				return nil, err
			}
			items, err := p.list("]")
			if err != nil {
				return nil, err
			}
			return &exprNode{op: "array", kids: items}, nil
		}
		if p.accept('o', "(") {
			n := &exprNode{op: "call", leaf: tok.text}
			if p.accept('o', ")") {
				return n, nil
			}
			args, err := p.list(")")
			if err != nil {
				return nil, err
			}
			n.kids = args
			return n, nil
		}
		return &exprNode{leaf: tok.text}, nil
	case 'o':
		if tok.text == "(" {
			n, err := p.or()
			if err != nil {
				return nil, err
			}
			return n, p.expect('o', ")")
		}
	}
	return nil, fmt.Errorf("unexpected %q", tok.text)
}

// TestCanonicalCheck pins the canonical form of CHECK expressions: the
// SQLite spelling and PostgreSQL's pg_get_constraintdef spelling of one
// constraint must agree, and different constraints must not.
func TestCanonicalCheck(t *testing.T) {
	same := []struct{ sqlite, postgres string }{
		{"(match_score IS NULL OR (match_score >= 0 AND match_score <= 100))",
			"(((match_score IS NULL) OR ((match_score >= 0) AND (match_score <= 100))))"},
		{"(kind IN ('api', 'web'))", "((kind = ANY (ARRAY['api'::text, 'web'::text])))"},
		{"(kind NOT IN ('api', 'web'))", "((kind <> ALL (ARRAY['api'::text, 'web'::text])))"},
		{"(score >= 0 AND score <= 100)", "(((score >= 0) AND (score <= 100)))"},
		{"(a != -1)", "((a <> '-1'::integer))"},
		{"(a == 1 AND b = 2 AND c = 3)", "((((a = 1) AND (b = 2)) AND (c = 3)))"},
		{"(length(name) > 0)", "((length(name) > 0))"},
		{"(\"Name\" <> '')", "((name <> ''::text))"},
		{"(a BETWEEN 1 AND 2)", "((a BETWEEN 1 AND 2))"},
		{"(NOT a IS NULL)", "((NOT (a IS NULL)))"},
	}
	for _, tt := range same {
		a, errA := canonicalCheck(tt.sqlite)
		b, errB := canonicalCheck(tt.postgres)
		if errA != nil || errB != nil || a != b {
			t.Errorf("canonicalCheck(%q) = %q, %v; canonicalCheck(%q) = %q, %v; want equal", tt.sqlite, a, errA, tt.postgres, b, errB)
		}
	}
	different := [][2]string{
		{"a OR (b AND c)", "(a OR b) AND c"},
		{"a - (b - c)", "(a - b) - c"},
		{"a IN (1, 2)", "a IN (2, 1)"},
		{"a <= 100", "a < 100"},
		{"a IN (1, 2)", "a NOT IN (1, 2)"},
		{"a IS NULL", "a IS NOT NULL"},
		{"a = 'x'", "a = 'X'"},
	}
	for _, tt := range different {
		a, errA := canonicalCheck(tt[0])
		b, errB := canonicalCheck(tt[1])
		if errA != nil || errB != nil || a == b {
			t.Errorf("canonicalCheck(%q) = %q, %v and canonicalCheck(%q) = %q, %v; want different", tt[0], a, errA, tt[1], b, errB)
		}
	}
	for _, bad := range []string{"(a >", "a = ANY (b)", "a @> b", "'open"} {
		if c, err := canonicalCheck(bad); err == nil {
			t.Errorf("canonicalCheck(%q) = %q, want an error", bad, c)
		}
	}
}
