package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint"
)

// Audit actions of the blueprint vault.
const (
	AuditBlueprintImport = "blueprints.import"
	AuditBlueprintRead   = "blueprints.read"
	AuditBlueprintExport = "blueprints.export"
)

// VaultStore is what the blueprint vault needs of Postgres; db.Store
// implements it.
type VaultStore interface {
	StoreBlueprintVersion(ctx context.Context, name string, v BlueprintVersion) (BlueprintVersion, bool, error)
	BlueprintSummaries(ctx context.Context) ([]BlueprintSummary, error)
	BlueprintVersionByName(ctx context.Context, name string, version int) (BlueprintVersion, error)
	SetBlueprintLeadSchema(ctx context.Context, versionID int64, before, after []string, by *int64) (BlueprintVersion, error)
	AuditAppender
}

// Vault is the blueprint vault's use cases. Every one is for super admins:
// a blueprint is the platform's, and a captured one came from a tenant.
type Vault struct {
	store   VaultStore
	analyze blueprint.AnalyzeFunc
	log     *slog.Logger
}

// NewVault returns the vault over store; analyze is the detector (nil finds
// nothing); log may be nil.
func NewVault(store VaultStore, analyze blueprint.AnalyzeFunc, log *slog.Logger) *Vault {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Vault{store: store, analyze: analyze, log: log}
}

var blueprintName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// CheckBlueprintName refuses a name the CLI's NAME@VERSION could not carry.
func CheckBlueprintName(name string) error {
	if !blueprintName.MatchString(name) {
		return fmt.Errorf("%w: %q is not a blueprint name (1 to 63 lowercase letters, digits, '.', '_' and '-', starting with a letter or digit)", ErrInvalid, name)
	}
	return nil
}

// ParseBlueprintRef reads NAME or NAME@VERSION; version 0 is the newest.
func ParseBlueprintRef(ref string) (string, int, error) {
	name, v, has := strings.Cut(ref, "@")
	if err := CheckBlueprintName(name); err != nil {
		return "", 0, err
	}
	if !has {
		return name, 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("%w: %q: the version after @ is a number from 1", ErrInvalid, ref)
	}
	return name, n, nil
}

// ImportResult is what an import did.
type ImportResult struct {
	Version  BlueprintVersion
	Created  bool // false: the same content is already this version
	Prepared blueprint.Prepared
}

// ImportBlueprint checks, normalises and stores files as the next version
// of the blueprint name. It stores nothing when any file is refused or a
// secret is found that allow (NODE:FIELD each, reviewed exceptions) does not
// cover, and nothing new when the content is a version already.
func (v *Vault) ImportBlueprint(ctx context.Context, actor Actor, name string, sources []blueprint.Source, allow []string) (ImportResult, error) {
	files := make([]string, len(sources))
	for i, s := range sources {
		files[i] = s.Name
	}
	state := map[string]any{"blueprint": name, "files": files}
	if len(allow) > 0 {
		state["allow_secrets"] = allow
	}
	fail := func(err error) error {
		e := actor.auditEntry(AuditBlueprintImport, OutcomeFailed, err)
		var re *blueprint.RefusedError
		if errors.As(err, &re) {
			e.Error = re.AuditText()
		}
		e.After = jsonObject(state)
		recordAudit(ctx, v.store, v.log, e)
		return err
	}
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		return ImportResult{}, fail(err)
	}
	if err := CheckBlueprintName(name); err != nil {
		return ImportResult{}, fail(err)
	}
	p, err := blueprint.Prepare(sources, blueprint.Options{Analyze: v.analyze, AllowSecrets: allow})
	if err != nil {
		return ImportResult{}, fail(fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	bv, err := versionOf(p, actor)
	if err != nil {
		return ImportResult{}, fail(err)
	}
	stored, created, err := v.store.StoreBlueprintVersion(ctx, name, bv)
	if err != nil {
		return ImportResult{}, fail(err)
	}
	state["version"], state["content_hash"], state["created"] = stored.Version, stored.ContentHash, created
	state["warnings"] = len(p.Warnings)
	if len(p.Allowed) > 0 {
		var as []map[string]string
		for _, s := range p.Allowed {
			as = append(as, map[string]string{"file": s.File, "node": s.Node, "path": s.Path, "rule": s.Rule})
		}
		state["allowed_secrets"] = as
	}
	e := actor.auditEntry(AuditBlueprintImport, OutcomeOK, nil)
	e.After = jsonObject(state)
	recordAudit(ctx, v.store, v.log, e)
	return ImportResult{Version: stored, Created: created, Prepared: p}, nil
}

func versionOf(p blueprint.Prepared, actor Actor) (BlueprintVersion, error) {
	ws := make([]json.RawMessage, len(p.Workflows))
	files := make([]string, len(p.Workflows))
	for i, w := range p.Workflows {
		ws[i], files[i] = w.JSON, w.File
	}
	r := p.Report
	lead := map[string]any{"columns": nonNil(r.LeadColumns)}
	out := BlueprintVersion{ContentHash: p.Hash, Origin: "import"}
	if actor.UserID != 0 {
		out.CreatedBy = &actor.UserID
	}
	for _, part := range []struct {
		dst *json.RawMessage
		v   any
	}{{&out.Workflows, ws}, {&out.Files, files}, {&out.Variables, nonNil(r.Variables)}, {&out.CredentialSlots, nonNil(r.Credentials)},
		{&out.WebhookNodes, nonNil(r.Webhooks)}, {&out.LeadSchema, lead}, {&out.Report, r}, {&out.AllowedSecrets, nonNil(p.Allowed)}} {
		b, err := json.Marshal(part.v)
		if err != nil {
			return out, err
		}
		*part.dst = b
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// read authorises a read of the vault, recording a refusal.
func (v *Vault) read(ctx context.Context, actor Actor, what string) error {
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		e := actor.auditEntry(AuditBlueprintRead, OutcomeFailed, err)
		e.After = jsonObject(map[string]any{"read": what})
		recordAudit(ctx, v.store, v.log, e)
		return err
	}
	return nil
}

// Blueprints lists every blueprint with its newest version.
func (v *Vault) Blueprints(ctx context.Context, actor Actor) ([]BlueprintSummary, error) {
	if err := v.read(ctx, actor, "list"); err != nil {
		return nil, err
	}
	return v.store.BlueprintSummaries(ctx)
}

// BlueprintVersion reads NAME or NAME@VERSION.
func (v *Vault) BlueprintVersion(ctx context.Context, actor Actor, ref string) (BlueprintVersion, error) {
	if err := v.read(ctx, actor, ref); err != nil {
		return BlueprintVersion{}, err
	}
	name, n, err := ParseBlueprintRef(ref)
	if err != nil {
		return BlueprintVersion{}, err
	}
	return v.store.BlueprintVersionByName(ctx, name, n)
}

// DiffBlueprints compares two versions node by node.
func (v *Vault) DiffBlueprints(ctx context.Context, actor Actor, refA, refB string) (blueprint.Diff, error) {
	a, err := v.BlueprintVersion(ctx, actor, refA)
	if err != nil {
		return blueprint.Diff{}, err
	}
	b, err := v.BlueprintVersion(ctx, actor, refB)
	if err != nil {
		return blueprint.Diff{}, err
	}
	return blueprint.Compare(workflowsOf(a), workflowsOf(b))
}

// ExportBlueprint writes a version's workflows into dir, one file each;
// recorded in the audit trail, since it takes workflows out of the vault.
func (v *Vault) ExportBlueprint(ctx context.Context, actor Actor, ref, dir string, force bool) ([]string, error) {
	bv, err := v.BlueprintVersion(ctx, actor, ref)
	if err != nil {
		return nil, err
	}
	ws := workflowsOf(bv)
	var files []string
	_ = json.Unmarshal(bv.Files, &files)
	names := make([]string, len(ws))
	for i, w := range ws {
		var doc struct{ Name string }
		_ = json.Unmarshal(w, &doc)
		names[i] = doc.Name
	}
	written, err := blueprint.Export(dir, files, names, ws, force)
	e := actor.auditEntry(AuditBlueprintExport, OutcomeOK, err)
	if err != nil {
		e.Outcome = OutcomeFailed
	}
	e.After = jsonObject(map[string]any{"blueprint": ref, "version": bv.Version, "files": len(written)})
	recordAudit(ctx, v.store, v.log, e)
	return written, err
}

func workflowsOf(bv BlueprintVersion) []json.RawMessage {
	var ws []json.RawMessage
	_ = json.Unmarshal(bv.Workflows, &ws)
	return ws
}
