package n8ntest

import "math/rand/v2"

// WithIDSeed makes the workflow ids the server gives out follow seed, so
// a fleet seeded the same way gets the same ids every run (screens can be
// compared byte for byte). Without it ids are random, as in n8n.
func WithIDSeed(seed uint64) Option {
	return func(s *Server) { s.idRand = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// workflowID is a fresh workflow id like n8n's. Caller holds s.mu.
func (s *Server) workflowID() string {
	if s.idRand == nil {
		return newID()
	}
	b := make([]byte, 16)
	for i := range b {
		b[i] = idAlphabet[s.idRand.IntN(len(idAlphabet))]
	}
	return string(b)
}
