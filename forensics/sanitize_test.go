package forensics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestSanitizeBinaryModes(t *testing.T) {
	pdf := strings.Repeat("QUJD", 1000) // "ABC" ×1000 in base64: 3000 bytes
	raw := []byte(`{"items":[{"json":{"binary":"not binary"},"binary":{
		"inline":{"data":"` + pdf + `","mimeType":"application/pdf","fileName":"a.pdf","fileExtension":"pdf","fileSize":"2.93 kB"},
		"fs":{"data":"filesystem-v2","mimeType":"image/png","fileName":"b.png","id":"filesystem-v2:workflows/1/executions/2/binary_data/uuid","bytes":1234},
		"s3":{"data":"s3","mimeType":"text/csv","id":"s3:workflows/1/x","fileSize":"5 MB"},
		"odd":{"data":"x"}}}]}`)
	out, st, err := Sanitize(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) {
		t.Fatalf("output is not JSON: %s", out)
	}
	b := gjson.GetBytes(out, "items.0.binary")
	in := b.Get("inline")
	if in.Get("bytes").Int() != 3000 || in.Get("storage").String() != "default" || in.Get("fileName").String() != "a.pdf" ||
		in.Get("mimeType").String() != "application/pdf" || in.Get("fileSize").String() != "2.93 kB" || strings.Contains(in.Raw, pdf) {
		t.Errorf("inline descriptor %s", in.Raw)
	}
	fs := b.Get("fs")
	if fs.Get("storage").String() != "filesystem-v2" || fs.Get("bytes").Int() != 1234 || !strings.HasPrefix(fs.Get("id").String(), "filesystem-v2:") {
		t.Errorf("filesystem-v2 descriptor %s", fs.Raw)
	}
	if s3 := b.Get("s3"); s3.Get("storage").String() != "s3" || s3.Get("bytes").Exists() {
		t.Errorf("s3 descriptor %s (no size known but fileSize)", s3.Raw)
	}
	if b.Get("odd").Raw != `{"data":"x"}` {
		t.Errorf("an entry without mimeType is not n8n binary and stays: %s", b.Get("odd").Raw)
	}
	if gjson.GetBytes(out, "items.0.json.binary").String() != "not binary" {
		t.Error("a string under a binary key was touched")
	}
	if st.Binaries != 3 || st.BinaryBytes != 3000 {
		t.Errorf("stats %+v", st)
	}
}

func TestSanitizeLeavesOrdinaryJSONByteForByte(t *testing.T) {
	for _, name := range []string{"execution-success-loop.json", "execution-waiting.json", "execution-error-code-node.json"} {
		raw := readFixture(t, "testdata/"+name)
		out, st, err := Sanitize(raw)
		if err != nil || !bytes.Equal(out, raw) || st.Binaries+st.StringsCut != 0 {
			t.Errorf("%s: changed (%v, %+v)", name, err, st)
		}
	}
}

func TestSanitizeCutsLongStringsCleanly(t *testing.T) {
	// Escapes and multi-byte characters straddle the cut point at every
	// alignment: the output must stay valid JSON and valid UTF-8.
	for shift := 0; shift < 8; shift++ {
		s := strings.Repeat("a", MaxString-shift) + strings.Repeat(`\u00e9\n€😀`, 10)
		raw := []byte(`{"k":"` + s + `"}`)
		out, st, err := Sanitize(raw)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]string
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("shift %d: %v", shift, err)
		}
		if !strings.Contains(v["k"], fmt.Sprintf("…[cut %d bytes]", st.BytesCut)) || st.StringsCut != 1 {
			t.Errorf("shift %d: marker missing or wrong: %q", shift, v["k"][len(v["k"])-40:])
		}
		if !strings.HasPrefix(s, strings.TrimSuffix(string(out[6:]), fmt.Sprintf("…[cut %d bytes]\"}", st.BytesCut))) {
			t.Errorf("shift %d: the kept text is not the start of the original", shift)
		}
	}
	again, st, _ := Sanitize([]byte(`"` + strings.Repeat("x", MaxString) + `"`))
	if st.StringsCut != 0 || len(again) != MaxString+2 {
		t.Error("a string of exactly MaxString bytes is cut")
	}
}

func TestSanitizeIsIdempotent(t *testing.T) {
	once, _, err := Sanitize(readFixture(t, "testdata/execution-error-http-429-with-binary.json"))
	if err != nil {
		t.Fatal(err)
	}
	twice, st, err := Sanitize(once)
	if err != nil || !bytes.Equal(once, twice) {
		t.Errorf("sanitizing twice changes the document (%v)", err)
	}
	if st.StringsCut != 0 || st.BinaryBytes != 0 {
		t.Errorf("second pass removed more: %+v", st)
	}
}
