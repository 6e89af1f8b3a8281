package model

import (
	"context"
	"fmt"
)

// vault is the blueprint vault over the console's store, for the
// console's blueprint screen; the detector is not needed to read.
func (c *ActorConsole) vault() (*Vault, error) {
	vs, ok := c.store.(VaultStore)
	if !ok {
		return nil, fmt.Errorf("this console's store holds no blueprints")
	}
	return NewVault(vs, nil, c.log), nil
}

// Blueprints lists the blueprints, for super admins (a refusal is audited).
func (c *ActorConsole) Blueprints(ctx context.Context) ([]BlueprintSummary, error) {
	v, err := c.vault()
	if err != nil {
		return nil, err
	}
	return v.Blueprints(ctx, c.actor)
}

// BlueprintVersion reads NAME or NAME@VERSION, for super admins.
func (c *ActorConsole) BlueprintVersion(ctx context.Context, ref string) (ShownVersion, error) {
	v, err := c.vault()
	if err != nil {
		return ShownVersion{}, err
	}
	bv, err := v.BlueprintVersion(ctx, c.actor, ref)
	if err != nil {
		return ShownVersion{}, err
	}
	name, _, _ := ParseBlueprintRef(ref)
	return ShowBlueprintVersion(name, bv), nil
}
