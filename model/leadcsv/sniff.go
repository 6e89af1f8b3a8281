package leadcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// SampleSize is how much of a file the sniffing reads: enough for the
// delimiter, the header and many rows of any real lead file.
const SampleSize = 64 << 10

// Delimiters are the separators sniffed, in the order a tie is settled.
var Delimiters = []rune{',', ';', '\t', '|'}

var bom = []byte{0xEF, 0xBB, 0xBF}

// sample is what sniffing learned of a file's start.
type sample struct {
	data     []byte // the sample, BOM stripped, decoded to UTF-8
	complete bool   // the sample is the whole file
	bom      bool
	latin1   bool
}

// readSample reads up to SampleSize bytes of src and decides the encoding:
// a sample that is not valid UTF-8 (a rune cut at the sample's end aside)
// is latin-1.
func readSample(src io.Reader) (sample, error) {
	buf := make([]byte, SampleSize)
	n, err := io.ReadFull(src, buf)
	s := sample{data: buf[:n], complete: err != nil}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return s, err
	}
	if bytes.HasPrefix(s.data, bom) {
		s.data, s.bom = s.data[len(bom):], true
	}
	check := s.data
	if !s.complete {
		check = trimPartialRune(check)
	}
	s.latin1 = !s.bom && !utf8.Valid(check)
	return s, nil
}

// trimPartialRune drops the bytes of a rune the sample's end cut in two.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// shape is how one delimiter splits the sample.
type shape struct {
	delim   rune
	records [][]string
	lines   []int
	usual   int // the most frequent field count
	agree   int // records with the usual count
}

// shapeOf parses the sample with one delimiter, quotes respected. The last
// record of a cut sample is dropped: it may be cut too.
func shapeOf(data []byte, complete bool, delim rune) shape {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = delim, -1, true, false
	sh := shape{delim: delim}
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		line, _ := r.FieldPos(0)
		sh.records = append(sh.records, rec)
		sh.lines = append(sh.lines, line)
	}
	if !complete && len(sh.records) > 1 {
		sh.records, sh.lines = sh.records[:len(sh.records)-1], sh.lines[:len(sh.lines)-1]
	}
	counts := map[int]int{}
	for _, rec := range sh.records {
		counts[len(rec)]++
	}
	for n, c := range counts {
		if c > sh.agree || c == sh.agree && n > sh.usual {
			sh.usual, sh.agree = n, c
		}
	}
	return sh
}

// bestShape picks the delimiter giving the most records of one field
// count (more than one field); a file of one column is comma-separated.
func bestShape(data []byte, complete bool) shape {
	var best shape
	for _, d := range Delimiters {
		sh := shapeOf(data, complete, d)
		if sh.usual < 2 {
			continue
		}
		if best.delim == 0 || sh.agree > best.agree || sh.agree == best.agree && sh.usual > best.usual {
			best = sh
		}
	}
	if best.delim == 0 {
		best = shapeOf(data, complete, ',')
	}
	return best
}

// findHeader is the index of the header among the shape's records: the
// first with the usual field count and no email in it.
func findHeader(sh shape) (int, error) {
	for i, rec := range sh.records {
		if len(rec) != sh.usual {
			continue
		}
		if hasEmail(rec) {
			// Data before any header: the file has none.
			break
		}
		return i, nil
	}
	return 0, fmt.Errorf("no header line found in the first %d KiB: the first line of %d fields holding no email address should name the columns (e.g. email,first_name,company)", SampleSize>>10, sh.usual)
}

func hasEmail(rec []string) bool {
	for _, f := range rec {
		if looksLikeEmail(f) {
			return true
		}
	}
	return false
}
