package sshd

import (
	"encoding/json"
	"net/http"
	"time"
)

// health is the body of /healthz: small enough for a load balancer's check
// and a person's curl alike.
type health struct {
	Status        string `json:"status"` // "ok" or "shutting down"
	Sessions      int    `json:"sessions"`
	UptimeSeconds int64  `json:"uptime_seconds"`
}

func (g *Guard) serveHealth(w http.ResponseWriter, _ *http.Request) {
	g.mu.Lock()
	h := health{Status: "ok", Sessions: g.open, UptimeSeconds: int64(time.Since(g.start) / time.Second)}
	draining := g.draining
	g.mu.Unlock()
	code := http.StatusOK
	if draining {
		h.Status, code = "shutting down", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(h)
}

func (g *Guard) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	g.metrics.write(w, g.Sessions())
	if g.cfg.MoreMetrics != nil {
		g.cfg.MoreMetrics(w)
	}
}
