package blueprints

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/themes"
)

// stubBackend answers nothing: the test feeds the answers itself.
type stubBackend struct{ stored int }

func (stubBackend) Workspaces(context.Context) ([]model.WorkspaceSummary, error) { return nil, nil }
func (stubBackend) ProposeCapture(context.Context, string, string) (model.CaptureProposal, error) {
	return model.CaptureProposal{}, nil
}
func (b *stubBackend) StoreCapture(context.Context, model.CaptureProposal, []blueprint.Token) (model.CaptureResult, error) {
	b.stored++
	return model.CaptureResult{}, nil
}
func (stubBackend) ImportBlueprintFiles(context.Context, string, []string) (model.ImportResult, error) {
	return model.ImportResult{}, nil
}

func proposalOf(values ...string) model.CaptureProposal {
	var p model.CaptureProposal
	for _, v := range values {
		p.Variables = append(p.Variables, model.ProposedVariable{Token: blueprint.Token{Value: v, Name: "YOUR_" + v}, On: true,
			Where: []blueprint.Substitution{{File: "a.json", Node: "n", Path: "parameters.x"}}})
	}
	return p
}

// An answer to a read the screen has left (esc, then another capture)
// is dropped: the proposal shown is the newest request's.
func TestProposalDropsStaleAnswers(t *testing.T) {
	s := NewProposal(&stubBackend{}, themes.MustLoad("dark"))
	s.SetSize(100, 20)
	s.Open(CaptureRequest{Blueprint: "a", Workspace: "ohio"})
	old := s.seq
	s.Open(CaptureRequest{Blueprint: "b", Workspace: "texas"})
	s.Update(ProposedMsg{Seq: old, Proposal: proposalOf("OHIO")})
	if s.phase != reading || len(s.choices) != 0 {
		t.Fatalf("a stale answer was taken: phase %d, %d choices", s.phase, len(s.choices))
	}
	s.Update(ProposedMsg{Seq: s.seq, Proposal: proposalOf("TEXAS", "SLUG")})
	if s.phase != deciding || len(s.choices) != 2 || s.choices[0].name != "YOUR_TEXAS" {
		t.Fatalf("the newest answer: phase %d, %+v", s.phase, s.choices)
	}
	// Closed (the screen left the stack), a late answer changes nothing.
	s.Close()
	s.Update(StoredMsg{Seq: s.seq - 1})
	if s.phase != deciding {
		t.Fatalf("a store answer after close moved the screen to %d", s.phase)
	}
	// space keeps the first value: the tokens are only the second.
	s.Update(tea.KeyPressMsg{Code: ' ', Text: " "})
	if toks := s.Tokens(); len(toks) != 1 || toks[0].Value != "SLUG" {
		t.Fatalf("tokens %+v", toks)
	}
}
