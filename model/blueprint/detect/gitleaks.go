package detect

import (
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// gitleaks' detector is used as a library with its default configuration
// (its 200-odd rules, entropy thresholds and allowlists). Building it parses
// the rule set once; Detect keeps no state between calls, so one detector is
// shared by every Analyze.
var (
	glOnce     sync.Once
	glDetector *detect.Detector
)

func detector() *detect.Detector {
	glOnce.Do(func() {
		// gitleaks logs to stderr by default; a console must not print
		// scanner chatter (or anything near a secret) on its screen.
		logging.Logger = logging.Logger.Level(zerolog.Disabled)
		d, err := detect.NewDetectorDefaultConfig()
		if err != nil {
			return // the kept rules in secrets.go still run
		}
		d.MaxDecodeDepth = 1 // one pass of gitleaks' own base64/hex/percent decoding
		glDetector = d
	})
	return glDetector
}

type glFinding struct{ rule, secret string }

// gitleaksFind scans one fragment.
func gitleaksFind(frag string) []glFinding {
	d := detector()
	if d == nil || frag == "" {
		return nil
	}
	var out []glFinding
	for _, f := range d.DetectString(frag) {
		if f.Secret == "" {
			continue
		}
		out = append(out, glFinding{rule: f.RuleID, secret: f.Secret})
	}
	return out
}
