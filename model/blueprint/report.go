package blueprint

import "github.com/godmode-console/godmode/model/blueprint/detect"

// What the detector finds, in its own types: a blueprint version stores
// detect's report as it is.
type (
	File      = detect.File
	Place     = detect.Place
	Variable  = detect.Variable
	CredSlot  = detect.CredSlot
	Webhook   = detect.Webhook
	Trigger   = detect.Trigger
	Candidate = detect.Candidate
	Secret    = detect.Secret
	Report    = detect.Report
)

// AnalyzeFunc is the detector: detect.Analyze.
type AnalyzeFunc func([]File) Report
