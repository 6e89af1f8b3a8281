package n8ntest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
)

func msg(m string) map[string]string { return map[string]string{"message": m} }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = 500, []byte(`{"message":"n8ntest: encoding answer failed"}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeHTML answers like Express's default error handler, which is what
// n8n sends for a body it cannot parse.
func writeHTML(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>%s</pre>\n</body>\n</html>\n", html.EscapeString(text))
}

// cannot is Express's answer for a route it does not have.
func cannot(w http.ResponseWriter, r *http.Request) {
	writeHTML(w, 404, "Cannot "+r.Method+" "+r.URL.Path)
}
