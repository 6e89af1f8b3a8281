package n8ntest

import (
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// Server is a running fake n8n. URL is its base URL (as the client's
// baseURL) and APIKey the only key it accepts.
type Server struct {
	URL    string
	APIKey string

	srv      *httptest.Server
	requests atomic.Int64
	inflight inFlight

	mu         sync.Mutex
	workflows  map[string]*workflow
	ids        []string // workflow ids, sorted when sorted is set (n8n lists by id)
	sorted     bool
	webhooks   map[string]webhookOwner // "METHOD path" → the active workflow holding it
	executions map[int]*execution
	execIDs    []int // ascending
	nextExec   int
	tags       map[string]*n8n.Tag
	tagIDs     []string
	creds      map[string]*credential
	credSeq    int
	faults     faults
	after      afterWrite
	now        func() time.Time

	major           int               // 1 or 2: which n8n it behaves like (see WithMajor)
	unpublishLag    int               // 2.x: deletes refused after a deactivation
	registrationLag int               // 2.x: webhook requests refused after an activation
	updateLag       int               // 2.x: webhook calls that run the version before a PUT
	unpublishing    map[string]int    // workflow id → deletes still refused
	registering     map[string]int    // webhook key → requests still refused
	releasing       map[string]string // webhook key → the unpublishing workflow that still holds it
	idRand          *mrand.Rand       // WithIDSeed's source of workflow ids (nil: random)
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the accepted API key (default: a random one).
func WithAPIKey(k string) Option { return func(s *Server) { s.APIKey = k } }

// WithClock makes the server read time from now (timestamps of workflows
// and executions).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a fake n8n on a loopback port. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		APIKey:       "n8ntest-" + randomHex(16),
		workflows:    map[string]*workflow{},
		webhooks:     map[string]webhookOwner{},
		executions:   map[int]*execution{},
		nextExec:     1,
		tags:         map[string]*n8n.Tag{},
		creds:        map[string]*credential{},
		now:          time.Now,
		sorted:       true,
		major:        1,
		unpublishing: map[string]int{},
		registering:  map[string]int{},
		releasing:    map[string]string{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close stops the server, cutting requests still hanging.
func (s *Server) Close() {
	s.faults.release()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns a client of this server with the given options.
func (s *Server) Client(opts ...n8n.Option) *n8n.Client { return n8n.New(s.URL, s.APIKey, opts...) }

// Requests is how many public API requests the server has received,
// faulted ones included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ResetRequests sets the request counter back to zero.
func (s *Server) ResetRequests() { s.requests.Store(0) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/v1/"):
		s.requests.Add(1)
		s.inflight.enter()
		defer s.inflight.leave()
		if r.Method != http.MethodGet {
			s.after.writes.Add(1)
		}
		if !s.faults.apply(w, r) {
			return
		}
		if r.Header.Get("X-N8N-API-KEY") != s.APIKey {
			writeJSON(w, 401, msg(s.msgUnauthorized()))
			return
		}
		if s.serveWrite(w, r) {
			return
		}
		s.api(w, r)
	case strings.HasPrefix(r.URL.Path, "/webhook/"):
		s.serveWebhook(w, r)
	case r.URL.Path == "/healthz":
		writeJSON(w, 200, map[string]string{"status": "ok"})
	default:
		cannot(w, r)
	}
}

func (s *Server) timestamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID makes an id like n8n's: 16 random alphanumerics.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func newUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
