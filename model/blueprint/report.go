package blueprint

// These mirror package model/blueprint/detect (written in parallel, on
// branch h/detect) field for field, so that at the merge they become
// aliases of detect's types: type File = detect.File, and so on.

// File is one normalised workflow as the detector reads it.
type File struct {
	Name     string
	Workflow []byte
}

// Place is where in a workflow something was found.
type Place struct{ File, Node, Path string }

// Variable is a value a blueprint leaves to be filled per workspace.
type Variable struct {
	Name  string
	Kind  string // your_token, env, vars, placeholder
	Where []Place
}

// CredSlot is a node's credential reference.
type CredSlot struct{ File, Node, Type, Ref string }

// Webhook is a webhook node.
type Webhook struct{ File, Node, Method, Path string }

// Trigger is a node that starts a workflow.
type Trigger struct{ File, Node, Kind string }

// Candidate is a hardcoded value that probably belongs to one workspace.
type Candidate struct {
	Kind  string // table, email, sheet, url, host, n8n_url
	Value string
	Where []Place
}

// Secret is a leaked credential; Masked is all that is ever shown of it.
type Secret struct{ File, Node, Path, Rule, Masked string }

// Report is everything the detector found in a set of workflows.
type Report struct {
	Variables   []Variable
	Credentials []CredSlot
	Webhooks    []Webhook
	Triggers    []Trigger
	Hardcoded   []Candidate
	LeadColumns []string
	Secrets     []Secret
}

// AnalyzeFunc is the detector (detect.Analyze once merged).
type AnalyzeFunc func([]File) Report
