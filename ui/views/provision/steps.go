package provision

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/form"
)

// The steps' huh forms. Each is built from what the wizard holds, its
// fields bound to it, so stepping back and forth keeps what was typed.

// Credential slot modes.
const (
	modeNew      = "new"
	modeExisting = "existing"
	modePrior    = "prior"
)

// slotInput is what the operator gives for one credential slot.
type slotInput struct {
	spec   model.FormSlot
	mode   string
	id     string
	name   string
	text   map[string]*string // string and number fields, as typed
	flags  map[string]*bool   // boolean fields
	choice map[string]*string // enum fields ("" leaves it out)
}

func newSlotInput(s model.FormSlot, slug string) *slotInput {
	in := &slotInput{spec: s, text: map[string]*string{}, flags: map[string]*bool{}, choice: map[string]*string{}}
	switch {
	case s.Prior != "":
		in.mode = modePrior
	case s.Schema != nil:
		in.mode = modeNew
	default:
		in.mode = modeExisting
	}
	in.name = slug + " " + s.Type
	for _, f := range s.Fields {
		switch {
		case f.Type == "boolean":
			in.flags[f.Name] = new(bool)
		case len(f.Enum) > 0:
			in.choice[f.Name] = new(string)
		default:
			in.text[f.Name] = new(string)
		}
	}
	return in
}

// data is the new credential's data as typed: empty fields left out
// (n8n's schemas forbid some unless another field says so), numbers as
// numbers, every string a Secret.
func (s *slotInput) data() (map[string]any, []genesis.FieldProblem) {
	out := map[string]any{}
	var probs []genesis.FieldProblem
	for _, f := range s.spec.Fields {
		switch {
		case s.flags[f.Name] != nil:
			out[f.Name] = *s.flags[f.Name]
		case s.choice[f.Name] != nil:
			if v := *s.choice[f.Name]; v != "" {
				out[f.Name] = genesis.NewSecret(v, "")
			}
		case s.text[f.Name] != nil:
			v := *s.text[f.Name]
			if v == "" {
				continue
			}
			if f.Type == "number" {
				n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					probs = append(probs, genesis.FieldProblem{Field: f.Name, Msg: "want a number"})
					continue
				}
				if n == float64(int64(n)) {
					out[f.Name] = int64(n)
				} else {
					out[f.Name] = n
				}
				continue
			}
			out[f.Name] = genesis.NewSecret(v, "")
		}
	}
	return out, probs
}

// problems is the data checked against n8n's schema, before anything is
// sent.
func (s *slotInput) problems() []genesis.FieldProblem {
	if s.mode != modeNew || s.spec.Schema == nil {
		return nil
	}
	d, probs := s.data()
	return append(probs, s.spec.Schema.Validate(d)...)
}

// fieldCheck is a field's validation: the whole data checked, this
// field's problem said on it.
func (s *slotInput) fieldCheck(name string) func(string) error {
	return func(string) error {
		for _, p := range s.problems() {
			if p.Field == name {
				return errors.New(p.Msg)
			}
		}
		return nil
	}
}

func (s *slotInput) value(slug string) (genesis.CredentialValue, bool) {
	switch s.mode {
	case modeExisting:
		return genesis.CredentialValue{ID: strings.TrimSpace(s.id)}, true
	case modeNew:
		d, _ := s.data()
		name := strings.TrimSpace(s.name)
		if name == "" {
			name = slug + " " + s.spec.Type
		}
		return genesis.CredentialValue{New: &genesis.NewCredential{Name: name, Type: s.spec.Type, Data: d}}, true
	}
	return genesis.CredentialValue{}, false // the earlier run's id is the plan's own
}

func (s *slotInput) clear() {
	for _, p := range s.text {
		*p = ""
	}
	for _, p := range s.choice {
		*p = ""
	}
	s.id = ""
}

// takeForm keeps what the version asks for; values already typed for the
// same names stay (the operator went back and picked the same version).
func (w *Wizard) takeForm(f model.ProvisionForm) {
	same := w.spec.Blueprint == f.Blueprint && w.spec.Version == f.Version
	w.spec = f
	if !same {
		w.vars, w.slots = map[string]*string{}, nil
	}
	for _, v := range f.Variables {
		if w.vars[v.Name] == nil {
			w.vars[v.Name] = new(string)
			*w.vars[v.Name] = w.lastValue(v)
		}
	}
	if !same || len(w.slots) != len(f.Slots) {
		w.slots = nil
		for _, s := range f.Slots {
			in := newSlotInput(s, w.slug)
			if id := w.lastCredentialID(s.Slot); in.mode != modePrior && id != "" {
				in.mode, in.id = modeExisting, id // the last run was given it by id
			}
			w.slots = append(w.slots, in)
		}
	}
}

// lastValue is what the last run recorded for v ("" for a secret one:
// its value was never recorded, it is typed again).
func (w *Wizard) lastValue(v model.FormVariable) string {
	if w.last == nil || v.Secret {
		return ""
	}
	for _, n := range w.last.Secret {
		if n == v.Name {
			return ""
		}
	}
	return w.last.Values[v.Name]
}

func (w *Wizard) lastCredentialID(slot string) string {
	if w.last == nil {
		return ""
	}
	return w.last.CredentialIDs[slot]
}

// openStep shows step s's form, or the next step with something to ask.
func (w *Wizard) openStep(s step) tea.Cmd {
	for {
		switch s {
		case stepVariables:
			if len(w.spec.Variables) == 0 {
				s = stepCredentials
				continue
			}
		case stepCredentials:
			if len(w.slots) == 0 {
				return w.loadPreview()
			}
		case stepPreview:
			return w.loadPreview()
		}
		break
	}
	w.step = s
	groups := w.groups(s)
	if groups == nil {
		return nil
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit = w.keys.Back
	w.form = huh.NewForm(groups...).WithTheme(form.Theme(w.theme)).WithKeyMap(keys).WithShowHelp(false)
	w.phase = filling
	w.resize()
	return w.form.Init()
}

// lastFormStep is the step before the preview that asks something.
func (w *Wizard) lastFormStep() step {
	switch {
	case len(w.slots) > 0:
		return stepCredentials
	case len(w.spec.Variables) > 0:
		return stepVariables
	}
	return stepBlueprint
}

// prevStep is where esc on step s goes (stepTarget: out of the wizard).
func (w *Wizard) prevStep(s step) (step, bool) {
	switch s {
	case stepBlueprint:
		return stepTarget, true
	case stepVariables:
		return stepBlueprint, true
	case stepCredentials:
		if len(w.spec.Variables) > 0 {
			return stepVariables, true
		}
		return stepBlueprint, true
	}
	return stepTarget, false
}

func (w *Wizard) updateForm(msg tea.Msg) tea.Cmd {
	m, cmd := w.form.Update(msg)
	w.form = m.(*huh.Form)
	switch w.form.State {
	case huh.StateAborted:
		w.problem = nil
		prev, ok := w.prevStep(w.step)
		if !ok {
			w.seq++
			w.clearSecrets()
			return tea.Batch(leave, func() tea.Msg { return common.Note("provisioning cancelled: nothing was applied") })
		}
		return w.openStep(prev)
	case huh.StateCompleted:
		w.problem = nil
		return w.next()
	}
	return cmd
}

// next goes on from the step just completed.
func (w *Wizard) next() tea.Cmd {
	switch w.step {
	case stepTarget:
		return w.openStep(stepBlueprint)
	case stepBlueprint:
		return w.loadForm()
	case stepVariables:
		return w.openStep(stepCredentials)
	case stepCredentials:
		for _, s := range w.slots {
			for _, p := range s.problems() {
				w.problem = append(w.problem, safetext.Line(fmt.Sprintf("credential %s: %s", s.spec.Slot, p)))
			}
		}
		if len(w.problem) > 0 {
			return w.openStep(stepCredentials)
		}
		return w.loadPreview()
	}
	return nil
}

func (w *Wizard) groups(s step) []*huh.Group {
	switch s {
	case stepTarget:
		return w.targetGroups()
	case stepBlueprint:
		return w.blueprintGroups()
	case stepVariables:
		return w.variableGroups()
	case stepCredentials:
		return w.credentialGroups()
	}
	return nil
}

func (w *Wizard) targetGroups() []*huh.Group {
	t := w.target
	ws := t.Workspace
	where := "its own n8n instance " + t.Instance
	if t.Shared {
		where = "n8n instance " + t.Instance + ", shared with other workspaces (webhook paths are namespaced " + ws.Slug + "/…)"
	}
	desc := fmt.Sprintf("%s · %s\nstatus: %s\ntarget: %s", ws.Slug, ws.Name, strings.ReplaceAll(string(ws.Status), "_", " "), where)
	if l := w.last; l != nil {
		desc += fmt.Sprintf("\nlast provisioned by run %d from %s@v%d: a re-apply updates its workflows in place", l.Run, l.Blueprint, l.Version)
	}
	note := huh.NewNote().Title("Workspace and its n8n instance").Description(safetext.Text(desc)).Next(true).NextLabel("Next")
	return []*huh.Group{huh.NewGroup(note)}
}

// whyNot says why this workspace cannot be provisioned here ("": it can).
func (w *Wizard) whyNot() string {
	ws := w.target.Workspace
	switch {
	case ws.Status == model.WorkspaceActive && w.last == nil:
		return "workspace " + ws.Slug + " is active but no provisioning run of it succeeded: there is nothing to re-apply (its workflows were not made by a run)"
	case ws.Status == model.WorkspaceActive:
	case ws.Status != model.WorkspaceAwaitingSetup:
		return "workspace " + ws.Slug + " is " + string(ws.Status) + ": provisioning starts from awaiting_setup (a run that stopped is resumed or rolled back: godmode provision runs)"
	case len(w.target.Blueprints) == 0:
		return "the vault holds no blueprint: import one first (:blueprints, i)"
	}
	return ""
}

func (w *Wizard) blueprintGroups() []*huh.Group {
	var opts []huh.Option[string]
	for _, b := range w.target.Blueprints {
		for v := b.Latest; v >= 1; v-- {
			ref := fmt.Sprintf("%s@v%d", b.Name, v)
			label := ref
			if v == b.Latest {
				label += " (latest)"
			}
			opts = append(opts, huh.NewOption(safetext.Line(label), ref))
		}
	}
	if w.choice == "" && len(opts) > 0 {
		w.choice = opts[0].Value
	}
	desc := "from the vault; the workflows of this version are created in n8n"
	if w.last != nil {
		desc = fmt.Sprintf("preselected: %s@v%d, the version run %d applied; a newer one may be chosen", w.last.Blueprint, w.last.Version, w.last.Run)
	}
	return []*huh.Group{huh.NewGroup(huh.NewSelect[string]().Title("Blueprint and version").
		Description(safetext.Line(desc)).
		Options(opts...).Value(&w.choice))}
}

func (w *Wizard) variableGroups() []*huh.Group {
	var fields []huh.Field
	for _, v := range w.spec.Variables {
		in := huh.NewInput().Title(safetext.Line(v.Name)).Value(w.vars[v.Name])
		desc := safetext.Line(v.Where)
		if v.Secret {
			in = in.EchoMode(huh.EchoModePassword)
			desc = "secret (masked, never shown again) · " + desc
		}
		name := v.Name
		fields = append(fields, in.Description(desc).Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return fmt.Errorf("%s needs a value", name)
			}
			return nil
		}))
	}
	return []*huh.Group{huh.NewGroup(fields...).Title("Variables").Description(fmt.Sprintf("%d variable(s) of %s", len(fields), w.choice))}
}

func (w *Wizard) credentialGroups() []*huh.Group {
	var out []*huh.Group
	for _, s := range w.slots {
		s := s
		var opts []huh.Option[string]
		if s.spec.Prior != "" {
			opts = append(opts, huh.NewOption(safetext.Line("keep the one an earlier run created ("+s.spec.Prior+")"), modePrior))
		}
		if s.spec.Schema != nil {
			opts = append(opts, huh.NewOption(safetext.Line("create a new "+s.spec.Type+" credential in n8n"), modeNew))
		}
		opts = append(opts, huh.NewOption("use an existing n8n credential (its id)", modeExisting))
		desc := fmt.Sprintf("type %s, used by %s", orAny(s.spec.Type), s.spec.Node)
		if s.spec.SchemaProblem != "" {
			desc += "\n" + s.spec.SchemaProblem
		}
		out = append(out, huh.NewGroup(huh.NewSelect[string]().Title("Credential "+safetext.Line(s.spec.Slot)).
			Description(safetext.Text(desc)).Options(opts...).Value(&s.mode)))
		out = append(out, huh.NewGroup(huh.NewInput().Title("n8n credential id for "+safetext.Line(s.spec.Slot)).Value(&s.id).
			Validate(func(v string) error {
				if strings.TrimSpace(v) == "" {
					return errors.New("give the id of a credential in this workspace's n8n")
				}
				return nil
			})).WithHideFunc(func() bool { return s.mode != modeExisting }))
		if s.spec.Schema == nil {
			continue
		}
		fields := []huh.Field{huh.NewInput().Title("Name in n8n").Value(&s.name)}
		for _, f := range s.spec.Fields {
			fields = append(fields, s.field(f))
		}
		out = append(out, huh.NewGroup(fields...).Title("New "+safetext.Line(s.spec.Type)+" credential for "+safetext.Line(s.spec.Slot)).
			Description("fields from n8n's schema; secret ones are masked and go to n8n only").
			WithHideFunc(func() bool { return s.mode != modeNew }))
	}
	return out
}

// field is one schema field's input.
func (s *slotInput) field(f genesis.FormField) huh.Field {
	title := safetext.Line(f.Name)
	if f.Required {
		title += " *"
	}
	switch {
	case s.flags[f.Name] != nil:
		return huh.NewConfirm().Title(title).Value(s.flags[f.Name])
	case s.choice[f.Name] != nil:
		opts := []huh.Option[string]{huh.NewOption("(leave out)", "")}
		for _, e := range f.Enum {
			opts = append(opts, huh.NewOption(safetext.Line(e), e))
		}
		return huh.NewSelect[string]().Title(title).Options(opts...).Value(s.choice[f.Name]).Validate(s.fieldCheck(f.Name))
	}
	in := huh.NewInput().Title(title).Value(s.text[f.Name]).Validate(s.fieldCheck(f.Name))
	if f.Secret {
		in = in.EchoMode(huh.EchoModePassword).Description("secret: masked, sent to n8n only")
	} else if f.Type == "number" {
		in = in.Description("a number")
	}
	return in
}

func orAny(t string) string {
	if t == "" {
		return "not said by the nodes"
	}
	return t
}
