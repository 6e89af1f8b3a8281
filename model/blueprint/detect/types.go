package detect

// File is one workflow JSON document as read from a file (or from n8n).
type File struct {
	Name     string
	Workflow []byte
}

// Place is where something was found: the file, the node's name ("" for
// fields outside nodes) and the JSON path of the field inside the node
// (or inside the document when Node is ""), e.g.
// parameters.headerParameters.parameters[0].value.
type Place struct{ File, Node, Path string }

// Variable kinds.
const (
	KindYourToken   = "your_token"  // YOUR_LEADS_TABLE
	KindEnv         = "env"         // {{ $env.NAME }}
	KindVars        = "vars"        // $vars.NAME
	KindPlaceholder = "placeholder" // {{NAME}}
)

// Variable is a value the blueprint expects to be given per workspace.
type Variable struct {
	Name  string
	Kind  string
	Where []Place
}

// CredSlot is one credential a node uses: its n8n credential type and the
// id (or placeholder, or pre-1.0 credential name) it refers to. A node whose
// whole credentials map was replaced by a string has one slot with Type "".
type CredSlot struct {
	File, Node, Type, Ref string
}

// Webhook is a webhook node; Path is as written (static paths are global to
// an n8n instance, so the provisioner namespaces them).
type Webhook struct {
	File, Node, Method, Path string
}

// Trigger kinds; any other trigger keeps its node type's last segment
// (formTrigger, manualTrigger, telegramTrigger, …).
const (
	TriggerSchedule    = "schedule"
	TriggerGmail       = "gmail"
	TriggerWebhook     = "webhook"
	TriggerSubworkflow = "subworkflow"
)

// Trigger is a node that starts its workflow.
type Trigger struct {
	File, Node, Kind string
}

// Hardcoded candidate kinds.
const (
	HardTable  = "table"
	HardEmail  = "email"
	HardSheet  = "sheet"
	HardURL    = "url"
	HardHost   = "host"
	HardN8nURL = "n8n_url"
)

// Candidate is a literal value that probably differs per workspace and could
// become a variable.
type Candidate struct {
	Kind  string
	Value string
	Where []Place
}

// Secret is a credential-like literal found in a field. The value itself is
// never kept: Masked shows its first characters and its length only.
type Secret struct {
	File, Node, Path, Rule, Masked string
}

// Skip is a file Analyze did not treat as a workflow, with why.
type Skip struct {
	File, Reason string
}

// Report is everything found in a set of files, each list sorted.
type Report struct {
	Variables   []Variable
	Credentials []CredSlot
	Webhooks    []Webhook
	Triggers    []Trigger
	Hardcoded   []Candidate
	LeadColumns []string
	Secrets     []Secret
	// Skipped lists files that are not one workflow object (invalid JSON,
	// an execution, a list page, too large); nothing else is reported for
	// them. The importer's validation refuses them with its own message.
	Skipped []Skip
}

// Key is how an operator names a reviewed exception: NODE:FIELD, the form
// `--allow-secret` takes (e.g. "HTTP Request:parameters.headerParameters.parameters[0].value").
func (s Secret) Key() string { return s.Node + ":" + s.Path }
