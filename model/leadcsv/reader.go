package leadcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Caps on one record: past them the file is refused, naming the line, so
// a broken quote cannot make one "record" of the rest of the file.
const (
	MaxRecordBytes = 1 << 20
	MaxFields      = 1000
)

// Format is how a file was read.
type Format struct {
	Delimiter  rune
	BOM        bool
	Latin1     bool // decoded as latin-1 (Windows-1252) to UTF-8
	CRLF       bool // the header line ends in CRLF
	HeaderLine int
	Preamble   int // records before the header, skipped
}

// String says it the way an import's result does, e.g. "latin-1
// (converted to UTF-8), ';'-separated, CRLF line ends, header on line 1".
func (f Format) String() string {
	var parts []string
	switch {
	case f.Latin1:
		parts = append(parts, "latin-1 (converted to UTF-8)")
	case f.BOM:
		parts = append(parts, "UTF-8 with a BOM")
	default:
		parts = append(parts, "UTF-8")
	}
	d := fmt.Sprintf("'%c'", f.Delimiter)
	if f.Delimiter == '\t' {
		d = "tab"
	}
	parts = append(parts, d+"-separated")
	if f.CRLF {
		parts = append(parts, "CRLF line ends")
	} else {
		parts = append(parts, "LF line ends")
	}
	h := fmt.Sprintf("header on line %d", f.HeaderLine)
	if f.Preamble > 0 {
		h += fmt.Sprintf(" (%d line(s) before it skipped)", f.Preamble)
	}
	return strings.Join(append(parts, h), ", ")
}

// Record is one data record.
type Record struct {
	Line   int // the physical line it starts on, 1-based
	Fields []string
	// Problem says why the record cannot be imported as it is (a field
	// count other than the header's, text that is not UTF-8); "" when
	// its shape is fine. The cells are not checked here.
	Problem string
}

// Reader hands out a CSV file's data records, one at a time.
type Reader struct {
	format  Format
	header  []string
	csv     *csv.Reader
	src     *countingReader // the bytes of the source
	dec     *capReader      // the text the csv reader is fed
	lastEnd int             // the line after the last record's start and newlines
	err     error
}

// NewReader sniffs src's start and positions the reader after the
// header. An error says why the file cannot be read at all (no header).
func NewReader(src io.Reader) (*Reader, error) {
	cr := &countingReader{r: src}
	s, err := readSample(cr)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	var text io.Reader = io.MultiReader(bytes.NewReader(s.data), cr)
	data := s.data
	if s.latin1 {
		text = charmap.Windows1252.NewDecoder().Reader(text)
		data, _ = charmap.Windows1252.NewDecoder().Bytes(s.data)
	}
	sh := bestShape(data, s.complete)
	hi, err := findHeader(sh)
	if err != nil {
		return nil, err
	}
	r := &Reader{src: cr}
	r.format = Format{Delimiter: sh.delim, BOM: s.bom, Latin1: s.latin1, HeaderLine: sh.lines[hi], Preamble: hi}
	r.format.CRLF = crlfAtLine(data, sh.lines[hi])
	r.dec = &capReader{r: text}
	r.csv = csv.NewReader(r.dec)
	r.csv.Comma, r.csv.FieldsPerRecord, r.csv.LazyQuotes, r.csv.ReuseRecord = sh.delim, -1, true, true
	for i := 0; i <= hi; i++ {
		rec, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("reading the header: %w", err)
		}
		if i == hi {
			r.header = make([]string, len(rec.Fields))
			for j, f := range rec.Fields {
				r.header[j] = strings.Clone(f)
			}
			if !s.latin1 && !allValid(r.header) {
				return nil, fmt.Errorf("the header (line %d) is not valid UTF-8 text", rec.Line)
			}
		}
	}
	return r, nil
}

// crlfAtLine says whether the given line of data ends in CRLF.
func crlfAtLine(data []byte, line int) bool {
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return false
		}
		data = data[i+1:]
	}
	i := bytes.IndexByte(data, '\n')
	return i > 0 && data[i-1] == '\r'
}

// Header is the header's cells as written (UTF-8).
func (r *Reader) Header() []string { return r.header }

// Format is how the file is read.
func (r *Reader) Format() Format { return r.format }

// BytesRead is how much of the source has been read (the sniffed sample
// at once, then as records are read).
func (r *Reader) BytesRead() int64 { return r.src.n }

// Read returns the next data record (its Fields valid until the next
// Read), io.EOF at the end, or an error that stops the file (a record
// over the caps, a read error), naming the line.
func (r *Reader) Read() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		return Record{}, err
	}
	if len(rec.Fields) != len(r.header) {
		rec.Problem = fmt.Sprintf("%d fields, the header has %d", len(rec.Fields), len(r.header))
	} else if !r.format.Latin1 && !allValid(rec.Fields) {
		rec.Problem = "not valid UTF-8 text (the file's first 64 KiB were UTF-8: save it all in one encoding)"
	}
	return rec, nil
}

func (r *Reader) next() (Record, error) {
	start := r.csv.InputOffset()
	r.dec.start = start
	fields, err := r.csv.Read()
	if r.dec.tooBig {
		return Record{}, fmt.Errorf("the record from line %d is over %d KiB: a quote left open? (a record holds at most %d KiB)", r.lastEnd+1, MaxRecordBytes>>10, MaxRecordBytes>>10)
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Record{}, fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
		}
		return Record{}, fmt.Errorf("after line %d: %w", r.lastEnd, err)
	}
	line, _ := r.csv.FieldPos(0)
	switch {
	case r.csv.InputOffset()-start > MaxRecordBytes:
		return Record{}, fmt.Errorf("the record on line %d is over %d KiB (a record holds at most %d KiB)", line, MaxRecordBytes>>10, MaxRecordBytes>>10)
	case len(fields) > MaxFields:
		return Record{}, fmt.Errorf("the record on line %d has %d fields, more than the %d a record may have", line, len(fields), MaxFields)
	}
	end := line
	for _, f := range fields {
		end += strings.Count(f, "\n")
	}
	r.lastEnd = end
	return Record{Line: line, Fields: fields}, nil
}

func allValid(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// countingReader counts the bytes read of the source.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// capReader stops feeding the csv reader when the record it is reading
// has grown past MaxRecordBytes (the csv reader itself has no cap): what
// it fed past the record's start, less the csv reader's buffer, is the
// record so far.
type capReader struct {
	r      io.Reader
	n      int64
	start  int64 // where the csv reader's current record starts
	tooBig bool
}

var errTooBig = errors.New("record too big")

func (c *capReader) Read(p []byte) (int, error) {
	if c.n-c.start > MaxRecordBytes+int64(len(p)) {
		c.tooBig = true
		return 0, errTooBig
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
