package model

import "github.com/godmode-console/godmode/n8n"

// ErrGone is wrapped by errors that mean n8n no longer has what was asked
// for (an execution deleted or pruned, a workflow deleted). It is n8n's
// own sentinel, named here so screens tell it apart with errors.Is
// without importing the n8n package.
var ErrGone = n8n.ErrNotFound

// Capabilities are what an n8n instance was probed to do; views read them
// through model, never from the n8n package.
type Capabilities = n8n.Capabilities
