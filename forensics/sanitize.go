package forensics

import (
	"bytes"
	"strconv"
)

// MaxString is the longest string (in bytes of JSON text between the quotes)
// Sanitize keeps whole; longer ones are cut to this length plus a marker.
const MaxString = 64 << 10

// SanitizeStats says what Sanitize removed.
type SanitizeStats struct {
	Binaries    int   `json:"binaries"`     // binary entries replaced by a descriptor
	BinaryBytes int64 `json:"binary_bytes"` // decoded bytes of the base64 payloads dropped
	StringsCut  int   `json:"strings_cut"`  // strings cut to MaxString
	BytesCut    int64 `json:"bytes_cut"`    // JSON text removed from those strings
	In          int   `json:"in"`           // size of the input
	Out         int   `json:"out"`          // size of the output
}

// Sanitize returns a copy of the JSON document raw in which every n8n binary
// entry (a member of a "binary" object that has a string "data" and a
// "mimeType") is replaced by a descriptor, and every string longer than
// MaxString is cut with a marker saying how much was cut. Everything else is
// copied byte for byte, whitespace included. raw is validated on the way; an
// invalid document gives a *SyntaxError naming the offset.
//
// The descriptor keeps the entry's own members (mimeType, fileName,
// fileExtension, fileSize, id, …) except data, then adds "bytes" (the decoded
// size, unless the entry already says), "storage" ("default" when the payload
// was inline base64, else the binary data mode such as "filesystem-v2"), and
// replaces "data" by a marker string, so the document keeps n8n's shape.
//
// It is one forward pass with an explicit stack: no recursion, whatever the
// nesting.
func Sanitize(raw []byte) ([]byte, SanitizeStats, error) {
	out, st, _, err := sanitize(raw)
	return out, st, err
}

// span is where a value sits in the sanitized output.
type span struct{ start, end int }

// landmarks are the spans of the values an Execution reads first, noted by
// the sanitizer on its way so that nobody has to scan 40 MB to find them:
// the top-level members, the members of data (parentExecution), and the
// members of data.resultData.
type landmarks struct {
	top        map[string]span
	data       map[string]span
	resultData map[string]span
}

func sanitize(raw []byte) ([]byte, SanitizeStats, landmarks, error) {
	st := SanitizeStats{In: len(raw)}
	lm := landmarks{top: map[string]span{}, data: map[string]span{}, resultData: map[string]span{}}
	s := scanner{buf: raw}
	out := make([]byte, 0, len(raw)+64)
	// binaryAt[i] says whether open container i is the value of a "binary" key.
	binaryAt := make([]bool, 0, 32)
	copied := 0
	keyStart, keyEnd := -1, -1
	var path [3]string // keys of the members open at depths 1–3
	var starts [4]int  // output offsets where the values at depths 1–3 began
	// outAt maps an offset of raw not yet copied to its offset in out.
	outAt := func(rawOff int) int { return len(out) + rawOff - copied }
	note := func(depth, end int) {
		for i := 0; i < depth; i++ {
			if s.stack[i] != '{' {
				return
			}
		}
		switch {
		case depth == 1 && len(lm.top) < 256:
			lm.top[path[0]] = span{starts[1], end}
		case depth == 2 && path[0] == "data" && len(lm.data) < 256:
			lm.data[path[1]] = span{starts[2], end}
		case depth == 3 && path[0] == "data" && path[1] == "resultData" && len(lm.resultData) < 256:
			lm.resultData[path[2]] = span{starts[3], end}
		}
	}
	for {
		t, err := s.next()
		if err != nil {
			return nil, st, lm, err
		}
		switch t {
		case tEOF:
			out = append(out, raw[copied:]...)
			st.Out = len(out)
			return out, st, lm, nil
		case tKey:
			keyStart, keyEnd = s.start, s.end
			if d := len(s.stack); d <= 3 {
				path[d-1] = string(raw[keyStart+1 : keyEnd-1])
			}
			if keyEnd-keyStart-2 > MaxString {
				out = append(out, raw[copied:keyStart]...)
				out = appendCutString(out, raw[keyStart:keyEnd], &st)
				copied = keyEnd
			}
		case tString, tNumber, tTrue, tFalse, tNull:
			d := len(s.stack)
			if d >= 1 && d <= 3 {
				starts[d] = outAt(s.start)
			}
			if t == tString && s.end-s.start-2 > MaxString {
				out = append(out, raw[copied:s.start]...)
				out = appendCutString(out, raw[s.start:s.end], &st)
				copied = s.end
			}
			if d >= 1 && d <= 3 {
				note(d, outAt(s.end))
			}
		case tObjOpen, tArrOpen:
			d := len(s.stack) - 1 // depth of the container just opened
			if d >= 1 && d <= 3 {
				starts[d] = outAt(s.start)
			}
			inObject := d > 0 && s.stack[d-1] == '{'
			if t == tObjOpen && inObject && binaryAt[d-1] {
				start := s.start
				desc, end, ok, err := binaryEntry(raw, start, s.base+d, &st)
				if err != nil {
					return nil, st, lm, err
				}
				if ok {
					out = append(out, raw[copied:start]...)
					out = append(out, desc...)
					copied = end
					s.skipOpened(end)
					continue
				}
			}
			isBinary := t == tObjOpen && inObject && keyStart >= 0 && bytes.Equal(raw[keyStart:keyEnd], []byte(`"binary"`))
			binaryAt = append(binaryAt, isBinary)
		case tObjClose, tArrClose:
			binaryAt = binaryAt[:len(binaryAt)-1]
			if d := len(s.stack); d >= 1 && d <= 3 {
				note(d, outAt(s.end))
			}
		}
	}
}

// member is one direct member of an object: its key and value spans.
type member struct {
	key        []byte // raw, with quotes
	val        []byte // raw
	isString   bool
	isNumber   bool
	isScalar   bool
	hasEscapes bool
}

// binaryEntry reads the object at raw[start] (validating it) and, when it is
// an n8n binary entry, returns its descriptor and the offset just past it.
func binaryEntry(raw []byte, start, depth int, st *SanitizeStats) (desc []byte, end int, ok bool, err error) {
	s := scanner{buf: raw, pos: start, base: depth}
	var members []member
	var key []byte
	if _, err := s.next(); err != nil { // the entry's own '{', already checked
		return nil, 0, false, err
	}
	for {
		t, err := s.next()
		if err != nil {
			return nil, 0, false, err
		}
		if len(s.stack) == 1 || (t == tObjOpen || t == tArrOpen) && len(s.stack) == 2 {
			switch t {
			case tKey:
				key = raw[s.start:s.end]
			case tString, tNumber, tTrue, tFalse, tNull:
				members = append(members, member{key: key, val: raw[s.start:s.end], isString: t == tString, isNumber: t == tNumber, isScalar: true})
			case tObjOpen, tArrOpen:
				members = append(members, member{key: key})
			}
		}
		if len(s.stack) == 0 {
			end = s.pos
			break
		}
	}
	var data, mime, size *member
	var id []byte
	for i := range members {
		m := &members[i]
		switch string(m.key) {
		case `"data"`:
			data = m
		case `"mimeType"`:
			mime = m
		case `"bytes"`:
			size = m
		case `"id"`:
			if m.isString {
				id = m.val[1 : len(m.val)-1]
			}
		}
	}
	if data == nil || !data.isString || mime == nil || !mime.isString {
		return nil, end, false, nil
	}
	payload := data.val[1 : len(data.val)-1]
	if bytes.HasPrefix(payload, []byte("[binary ")) {
		return nil, end, false, nil // already a descriptor: sanitizing is idempotent
	}
	// n8n stores non-default modes as data = mode name and id = "mode:path".
	storage := []byte("default")
	external := false
	if i := bytes.IndexByte(id, ':'); i > 0 && bytes.Equal(id[:i], payload) {
		storage, external = payload, true
	}
	decoded := int64(-1)
	if size != nil && size.isNumber {
		if n, err := strconv.ParseInt(string(size.val), 10, 64); err == nil {
			decoded = n
		}
	} else if !external {
		decoded = base64Len(payload)
	}

	desc = append(desc, '{')
	for _, m := range members {
		k := string(m.key)
		if !m.isScalar || k == `"data"` || k == `"bytes"` {
			continue
		}
		desc = append(desc, m.key...)
		desc = append(desc, ':')
		if m.isString && len(m.val)-2 > MaxString {
			desc = appendCutString(desc, m.val, st)
		} else {
			desc = append(desc, m.val...)
		}
		desc = append(desc, ',')
	}
	if decoded >= 0 {
		desc = append(desc, `"bytes":`...)
		desc = strconv.AppendInt(desc, decoded, 10)
		desc = append(desc, ',')
	}
	desc = append(desc, `"storage":`...)
	desc = strconv.AppendQuote(desc, string(storage))
	desc = append(desc, `,"data":"`...)
	if external {
		desc = append(desc, "[binary kept by n8n in "...)
		desc = append(desc, storage...)
		desc = append(desc, ']')
	} else {
		desc = append(desc, "[binary data removed: "...)
		desc = strconv.AppendInt(desc, decoded, 10)
		desc = append(desc, " bytes]"...)
		st.BinaryBytes += decoded
	}
	desc = append(desc, `"}`...)
	st.Binaries++
	return desc, end, true, nil
}

// base64Len is the decoded size of the base64 text p (as it sits in JSON:
// escapes such as \n or \/ may occur).
func base64Len(p []byte) int64 {
	var n int64
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 < len(p) && p[i+1] == '/' {
				n++
			}
			if i+1 < len(p) && p[i+1] == 'u' {
				i += 5
			} else {
				i++
			}
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '-', c == '_':
			n++
		}
	}
	return n * 3 / 4
}

// appendCutString appends the string token str (quotes included) cut to
// MaxString bytes of text, never inside an escape sequence or a UTF-8
// character, followed by a marker saying how many bytes were cut.
func appendCutString(dst, str []byte, st *SanitizeStats) []byte {
	body := str[1 : len(str)-1]
	cut := 0
	for cut < MaxString {
		step := 1
		if body[cut] == '\\' {
			step = 2
			if body[cut+1] == 'u' {
				step = 6
			}
		}
		if cut+step > MaxString {
			break
		}
		cut += step
	}
	for cut > 0 && body[cut]&0xC0 == 0x80 {
		cut-- // back to the first byte of the UTF-8 character we would split
	}
	removed := int64(len(body) - cut)
	st.StringsCut++
	st.BytesCut += removed
	dst = append(dst, '"')
	dst = append(dst, body[:cut]...)
	dst = append(dst, "…[cut "...)
	dst = strconv.AppendInt(dst, removed, 10)
	dst = append(dst, " bytes]\""...)
	return dst
}
