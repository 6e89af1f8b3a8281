package model

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/godmode-console/godmode/model/genesis"
)

// AuditBlueprintEditable is the audit action of a change to the variables
// a blueprint marks admin_editable.
const AuditBlueprintEditable = "blueprints.admin_editable"

// BlueprintEditable is the variables a blueprint marks admin_editable:
// its workspaces' owners and admins may change them and re-apply. The
// list is the blueprint's, for every version (migration 00016).
type BlueprintEditable struct {
	ID                    int64
	Name                  string
	AdminEditable         []string
	AdminEditableEditedBy *int64
	AdminEditableEditedAt *time.Time
}

// EditableStore is what admin_editable needs of Postgres; db.Store has it.
type EditableStore interface {
	BlueprintEditable(ctx context.Context, name string) (BlueprintEditable, error)
	SetBlueprintEditable(ctx context.Context, blueprintID int64, before, after []string, by *int64) (BlueprintEditable, error)
	BlueprintVersionsByName(ctx context.Context, name string) ([]BlueprintVersion, error)
	BlueprintSecretVariables(ctx context.Context, blueprintID int64) ([]string, error)
}

// secretWords are the words (between underscores) of a variable named for
// a secret; API, PRIVATE and ACCESS count only before KEY.
var secretWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD", "PASSPHRASE", "AUTH", "APIKEY", "BEARER", "COOKIE", "CREDENTIAL", "CREDENTIALS"}

// NamedLikeSecret says a variable's name says it holds a secret
// (YOUR_WEBHOOK_TOKEN, YOUR_GOOGLE_CSE_API_KEY): its value belongs in the
// values file (env: or file:), not on an owner's command line.
func NamedLikeSecret(name string) bool {
	words := strings.Split(strings.ToUpper(name), "_")
	for i, w := range words {
		if slices.Contains(secretWords, w) {
			return true
		}
		if w == "KEY" && i > 0 && slices.Contains([]string{"API", "PRIVATE", "ACCESS", "SECRET", "SIGNING"}, words[i-1]) {
			return true
		}
	}
	return false
}

// Editable reads the admin_editable variables of blueprint name, for super
// admins (a refusal is audited).
func (v *Vault) Editable(ctx context.Context, actor Actor, name string) (BlueprintEditable, error) {
	if err := v.read(ctx, actor, name); err != nil {
		return BlueprintEditable{}, err
	}
	es, ok := v.store.(EditableStore)
	if !ok {
		return BlueprintEditable{}, fmt.Errorf("this store keeps no admin_editable variables")
	}
	return es.BlueprintEditable(ctx, name)
}

// SetEditable marks vars admin_editable in blueprint name (off: no longer),
// for super admins; every attempt is audited with the list before and
// after. A variable marked must be one some version fills from values;
// the workspace slug, a credential slot's reference and a secret (given as
// one by some run, or named like one) are refused, naming the version or
// the reason.
func (v *Vault) SetEditable(ctx context.Context, actor Actor, name string, vars []string, off bool) (BlueprintEditable, error) {
	state := map[string]any{"blueprint": name, "variables": nonNil(vars), "off": off}
	var before []string
	fail := func(err error) (BlueprintEditable, error) {
		e := actor.auditEntry(AuditBlueprintEditable, OutcomeFailed, err)
		if before != nil {
			e.Before = jsonObject(map[string]any{"admin_editable": before})
		}
		e.After = jsonObject(state)
		recordAudit(ctx, v.store, v.log, e)
		return BlueprintEditable{}, err
	}
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		return fail(err)
	}
	if len(vars) == 0 {
		return fail(fmt.Errorf("%w: name the variables: godmode blueprint editable NAME VAR…", ErrInvalid))
	}
	if err := CheckBlueprintName(name); err != nil {
		return fail(err)
	}
	es, ok := v.store.(EditableStore)
	if !ok {
		return fail(fmt.Errorf("this store keeps no admin_editable variables"))
	}
	cur, err := es.BlueprintEditable(ctx, name)
	if err != nil {
		return fail(err)
	}
	before = nonNil(cur.AdminEditable)
	next := slices.Clone(before)
	var problems []string
	if off {
		for _, x := range vars {
			i := slices.Index(next, x)
			if i < 0 {
				msg := fmt.Sprintf("%s is not admin_editable", x)
				if near := genesis.Nearest(x, next); near != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", near)
				}
				problems = append(problems, msg)
				continue
			}
			next = slices.Delete(next, i, i+1)
		}
	} else {
		versions, err := es.BlueprintVersionsByName(ctx, name)
		if err != nil {
			return fail(err)
		}
		secretRuns, err := es.BlueprintSecretVariables(ctx, cur.ID)
		if err != nil {
			return fail(err)
		}
		for _, x := range vars {
			if why := editableProblem(name, x, versions, secretRuns); why != "" {
				problems = append(problems, why)
				continue
			}
			if slices.Contains(next, x) {
				problems = append(problems, fmt.Sprintf("%s is admin_editable already", x))
				continue
			}
			next = append(next, x)
		}
	}
	if len(problems) > 0 {
		return fail(fmt.Errorf("%w: blueprint %s: %s", ErrInvalid, name, strings.Join(problems, "; ")))
	}
	slices.Sort(next)
	var by *int64
	if actor.UserID != 0 {
		by = &actor.UserID
	}
	out, err := es.SetBlueprintEditable(ctx, cur.ID, cur.AdminEditable, next, by)
	if err != nil {
		return fail(err)
	}
	state["admin_editable"] = next
	e := actor.auditEntry(AuditBlueprintEditable, OutcomeOK, nil)
	e.Before = jsonObject(map[string]any{"admin_editable": before})
	e.After = jsonObject(state)
	recordAudit(ctx, v.store, v.log, e)
	return out, nil
}

// editableProblem says why variable x may not be admin_editable in the
// blueprint ("" when it may).
func editableProblem(blueprint, x string, versions []BlueprintVersion, secretRuns []string) string {
	if x == genesis.BuiltinSlug {
		return x + " is set by godmode to the workspace's slug: nobody edits it"
	}
	var known []string
	found := false
	for _, bv := range versions {
		ver, err := genesis.VersionFromStored(blueprint, bv.Version, bv.ContentHash, bv.Workflows, bv.Files, bv.Report)
		if err != nil {
			return err.Error()
		}
		for _, vr := range ver.Report.Variables {
			if !slices.Contains(known, vr.Name) {
				known = append(known, vr.Name)
			}
			if vr.Name != x {
				continue
			}
			found = true
			if genesis.OnlyInCredentialIDs(vr) {
				return fmt.Sprintf("%s is only a credential slot's reference in version %d: credentials are given by a super admin with the values file", x, bv.Version)
			}
		}
	}
	if !found {
		msg := fmt.Sprintf("no version has a variable %s", x)
		if near := genesis.Nearest(x, known); near != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", near)
		}
		return msg
	}
	if NamedLikeSecret(x) {
		return x + " is named like a secret: a secret stays in the values file (env: or file:)"
	}
	if slices.Contains(secretRuns, x) {
		return x + " was given as a secret by a run of this blueprint: a secret stays in the values file (env: or file:)"
	}
	return ""
}
