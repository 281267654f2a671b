package skills

import (
	"unicode"
	"unicode/utf8"
)

// token is a run of letters, digits and underscores (a word), or a single
// other character (punctuation). White space is not a token; it is recorded
// on the token that follows it.
type token struct {
	start, end int32 // byte offsets in the text
	flags      uint8
}

const (
	fWord   uint8 = 1 << iota // letters, digits, underscores
	fSpace                    // white space (or the start of the text) before the token
	fLine                     // a line break (or the start of the text) before the token
	fUpper                    // the first character is an upper-case letter
	fASCII                    // every byte is ASCII: only such tokens can match the dictionary
	fHyphen                   // a hyphen, including U+2010 and U+2011
	fSkip                     // a web address or e-mail address, never matched
)

// byte classes; every byte of a multi-byte UTF-8 sequence is cMulti.
const (
	cPunct uint8 = iota
	cSpace
	cLine
	cWord
	cUpper
	cMulti
)

var class, lowerByte = func() (c, l [256]uint8) {
	for i := range c {
		l[i] = uint8(i)
		switch {
		case i >= utf8.RuneSelf:
			c[i] = cMulti
		case i == '\n' || i == '\r' || i == '\f' || i == '\v':
			c[i] = cLine
		case i == ' ' || i == '\t':
			c[i] = cSpace
		case i >= 'A' && i <= 'Z':
			c[i] = cUpper
			l[i] = uint8(i) + 'a' - 'A'
		case i >= 'a' && i <= 'z', i >= '0' && i <= '9', i == '_':
			c[i] = cWord
		}
	}
	return c, l
}()

// tokenizer splits text into tokens and keeps an ASCII-lowercased copy of the
// tokens' bytes, so that a token's lookup key is a slice of it and costs
// nothing. Bytes between tokens are not copied.
type tokenizer struct {
	text  string
	lower []byte
	toks  []token
}

// key returns the lowercased text of t, the key of trie edges.
func (tz *tokenizer) key(t token) string {
	if t.flags&fHyphen != 0 {
		return "-"
	}
	return string(tz.lower[t.start:t.end])
}

// keyIs reports whether t's lowercased text is s, without allocating.
func (tz *tokenizer) keyIs(t token, s string) bool {
	if t.flags&fHyphen != 0 {
		return s == "-"
	}
	return string(tz.lower[t.start:t.end]) == s
}

// run tokenises text, reusing the tokenizer's buffers.
func (tz *tokenizer) run(text string) []token {
	tz.text = text
	if cap(tz.lower) < len(text) {
		tz.lower = make([]byte, len(text))
	}
	lower := tz.lower[:len(text)]
	tz.lower = lower
	toks := tz.toks[:0]
	pre := fSpace | fLine // flags for the next token: what came before it
	chunk := 0            // index of the first token since the last white space
	for i := 0; i < len(text); {
		c := text[i]
		cl := class[c]
		n := 1
		var r rune
		if cl == cMulti {
			r, n = utf8.DecodeRuneInString(text[i:])
			switch {
			case r == 0x2028 || r == 0x2029 || r == 0x85:
				cl = cLine
			case unicode.IsSpace(r) || r == 0x200B || r == 0xFEFF:
				cl = cSpace
			case unicode.IsUpper(r):
				cl = cUpper
			case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				cl = cWord
			default:
				cl = cPunct
			}
		}
		switch cl {
		case cLine:
			pre = fSpace | fLine
			chunk = len(toks)
			i += n
			continue
		case cSpace:
			pre |= fSpace
			chunk = len(toks)
			i += n
			continue
		case cPunct:
			if (c == ':' && i+2 < len(text) && text[i+1] == '/' && text[i+2] == '/') ||
				(c == '@' && len(toks) > chunk && toks[len(toks)-1].flags&fWord != 0 && i+1 < len(text) && isWordByte(text[i+1])) ||
				(c == '.' && len(toks) == chunk+1 && string(lower[toks[chunk].start:toks[chunk].end]) == "www") {
				// A web or e-mail address: drop what the chunk produced and
				// stand one opaque token for all of it.
				start := i
				if len(toks) > chunk {
					start = int(toks[chunk].start)
					pre = toks[chunk].flags & (fSpace | fLine)
					toks = toks[:chunk]
				}
				for i < len(text) && !isSpaceAt(text, i) {
					i++
				}
				copy(lower[start:i], text[start:i])
				toks = append(toks, token{int32(start), int32(i), pre | fSkip})
				pre = 0
				continue
			}
			flags := pre
			if c == '-' || r == 0x2010 || r == 0x2011 {
				flags |= fHyphen
			}
			copy(lower[i:i+n], text[i:i+n])
			toks = append(toks, token{int32(i), int32(i + n), flags})
			pre = 0
			i += n
			continue
		}
		// A word: letters, digits, underscores and marks.
		start := i
		flags := pre | fWord | fASCII
		if cl == cUpper {
			flags |= fUpper
		}
		for i < len(text) {
			c = text[i]
			k := class[c]
			if k == cWord || k == cUpper {
				lower[i] = lowerByte[c]
				i++
				continue
			}
			if k != cMulti {
				break
			}
			r, n = utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				break
			}
			copy(lower[i:i+n], text[i:i+n])
			flags &^= fASCII
			i += n
		}
		toks = append(toks, token{int32(start), int32(i), flags})
		pre = 0
	}
	tz.toks = toks
	return toks
}

func isWordByte(c byte) bool {
	return class[c] == cMulti || class[c] == cWord || class[c] == cUpper
}

// isSpaceAt reports whether white space starts at byte i of text.
func isSpaceAt(text string, i int) bool {
	if k := class[text[i]]; k != cMulti {
		return k == cSpace || k == cLine
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsSpace(r)
}
