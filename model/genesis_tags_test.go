package model

import (
	"testing"

	"github.com/godmode-console/godmode/model/genesis"
)

// genesis repeats the workspace tag prefix so it need not import model;
// adoption proposes a workspace from the tag genesis writes, so the two
// must not drift apart.
func TestGenesisTagsWhatAdoptionReads(t *testing.T) {
	if genesis.WorkspaceTagPrefix != WorkspaceTagPrefix {
		t.Fatalf("genesis tags %q, adoption reads %q", genesis.WorkspaceTagPrefix, WorkspaceTagPrefix)
	}
}
