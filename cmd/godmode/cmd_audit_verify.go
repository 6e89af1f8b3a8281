package main

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

// runAuditVerify checks the audit trail's hash chain. It runs as the runtime
// role like any session: verifying needs only to read.
func runAuditVerify(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("audit")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"audit verify takes no arguments: godmode audit verify"}
	}
	s, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer s.close()
	actor, err := localActor(ctx, s.store)
	if err != nil {
		return err
	}
	rep, err := model.VerifyAudit(ctx, s.store, actor)
	if rep.Break != nil {
		fmt.Fprintf(g.stdout, "audit chain BROKEN after %d matching row(s), at %s\n", rep.Rows, rep.Break)
		return fmt.Errorf("row id %d (seq %d): %s", rep.Break.ID, rep.Break.Seq, rep.Break.Problem)
	}
	if err != nil {
		return err
	}
	if rep.Rows == 0 {
		fmt.Fprintln(g.stdout, "audit chain OK: the trail is empty")
		return nil
	}
	fmt.Fprintf(g.stdout, "audit chain OK: %d rows checked\nhead seq %d hash %s\n", rep.Rows, rep.HeadSeq, rep.HeadHash)
	fmt.Fprintln(g.stdout, "(rows cut off the end leave no trace in the chain: record the head elsewhere and compare)")
	return nil
}
