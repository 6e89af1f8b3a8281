package model

import "github.com/godmode-console/godmode/n8n"

// ErrGone is wrapped by errors that mean n8n no longer has what was asked
// for (an execution deleted or pruned, a workflow deleted). It is n8n's
// own sentinel, named here so screens tell it apart with errors.Is
// without importing the n8n package.
var ErrGone = n8n.ErrNotFound
