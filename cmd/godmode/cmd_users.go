package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// maxPublicKeyFile caps what is read of a public key file: an
// authorized_keys line is well under 16 KB even for large RSA keys.
const maxPublicKeyFile = 64 << 10

func runUsers(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("users")
	name := fs.String("name", "", "the person's display name (users add)")
	super := fs.Bool("super-admin", false, "make the person a super admin (users add)")
	email := fs.String("email", "", "the person's email (users add; or give it as the argument)")
	keyFile := fs.String("key", "", "their SSH public key file, or - for standard input (users add)")
	slug := fs.String("workspace", "", "the workspace's slug (users grant, users revoke)")
	roleName := fs.String("role", "", "owner, admin, member or viewer (users grant)")
	asJSON := fs.Bool("json", false, "print JSON (users list)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	action := pos[0]
	if action == "keys" { // users keys add|remove: add is add-key's other name
		if len(pos) < 2 || (pos[1] != "add" && pos[1] != "remove") {
			return usageError{"usage: godmode users keys add EMAIL PUBKEY_FILE|- | keys remove EMAIL FINGERPRINT"}
		}
		action, pos = "keys "+pos[1], append([]string{"keys " + pos[1]}, pos[2:]...)
	}
	// Every argument is checked before the database is reached.
	checkEmail := func(e string) error {
		if err := model.CheckEmail(e); err != nil {
			return usageError{err.Error()}
		}
		return nil
	}
	var key model.UserKey
	var role model.Role
	switch action {
	case "add":
		switch {
		case len(pos) == 2 && *email == "":
			*email = pos[1]
		case len(pos) == 1 && *email != "":
		default:
			return usageError{"usage: godmode users add (EMAIL | --email EMAIL) [--key PUBKEY_FILE|-] [--name NAME] [--super-admin]"}
		}
		if err := checkEmail(*email); err != nil {
			return err
		}
		if *keyFile != "" {
			if key, err = readPublicKey(g, *keyFile); err != nil {
				return usageError{err.Error()}
			}
		}
	case "add-key", "keys add":
		if len(pos) != 3 {
			return usageError{fmt.Sprintf("usage: godmode users %s EMAIL PUBKEY_FILE|- (a public key such as ~/.ssh/id_ed25519.pub, or - for standard input)", action)}
		}
		if err := checkEmail(pos[1]); err != nil {
			return err
		}
		if key, err = readPublicKey(g, pos[2]); err != nil {
			return usageError{err.Error()}
		}
	case "keys remove":
		if len(pos) != 3 {
			return usageError{"usage: godmode users keys remove EMAIL FINGERPRINT (SHA256:…, as users list shows it)"}
		}
		if err := checkEmail(pos[1]); err != nil {
			return err
		}
		if !strings.HasPrefix(pos[2], "SHA256:") || safetext.Line(pos[2]) != pos[2] || strings.ContainsAny(pos[2], " \t") {
			return usageError{fmt.Sprintf("%q is not a key fingerprint (SHA256:…, as users list shows it)", safetext.Line(pos[2]))}
		}
	case "grant", "revoke":
		if len(pos) != 2 || *slug == "" || (action == "grant") != (*roleName != "") {
			if action == "grant" {
				return usageError{"usage: godmode users grant EMAIL --workspace SLUG --role owner|admin|member|viewer"}
			}
			return usageError{"usage: godmode users revoke EMAIL --workspace SLUG"}
		}
		if err := checkEmail(pos[1]); err != nil {
			return err
		}
		if err := checkSlug("--workspace", *slug); err != nil {
			return err
		}
		if action == "grant" {
			if role, err = model.CheckRole(*roleName); err != nil {
				return usageError{"--role: " + safetext.Line(err.Error())}
			}
		}
	case "list":
		if len(pos) != 1 {
			return usageError{"usage: godmode users list [--json] (takes no arguments)"}
		}
	default:
		return usageError{fmt.Sprintf("unknown action %q (want add, add-key, keys, grant, revoke or list)", safetext.Line(action))}
	}
	s, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer s.close()
	switch action {
	case "add":
		role := "user"
		if *super {
			role = "super admin"
		}
		if *keyFile == "" {
			u, err := s.admin.AddUser(ctx, s.actor, *email, *name, *super)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "added %s %s; register their SSH key with godmode users keys add %s PUBKEY_FILE\n", role, u.Email, u.Email)
			return nil
		}
		u, k, err := s.admin.AddUserWithKey(ctx, s.actor, *email, *name, *super, key)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "added %s %s with key %s\n", role, u.Email, k.Fingerprint)
	case "add-key", "keys add":
		k, err := s.admin.AddUserKey(ctx, s.actor, pos[1], key)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "added key %s for %s\n", k.Fingerprint, pos[1])
	case "keys remove":
		if err := s.admin.RemoveUserKey(ctx, s.actor, pos[1], pos[2]); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "removed key %s of %s\n", pos[2], pos[1])
	case "grant":
		if err := s.admin.GrantRole(ctx, s.actor, pos[1], *slug, role); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "%s is now %s of workspace %s\n", pos[1], role, *slug)
	case "revoke":
		if err := s.admin.RevokeRole(ctx, s.actor, pos[1], *slug); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "%s has no role in workspace %s any more\n", pos[1], *slug)
	case "list":
		list, err := s.admin.Users(ctx, s.actor)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(g.stdout, usersJSON(list))
		}
		return printUsers(g.stdout, list)
	}
	return nil
}

// readPublicKey reads one SSH public key in authorized_keys form from a
// file or standard input ("-").
func readPublicKey(g *globals, path string) (model.UserKey, error) {
	var r io.Reader = g.stdin
	where := "standard input"
	if path != "-" {
		if err := g.localPath("public key file", path); err != nil {
			return model.UserKey{}, err
		}
		f, err := os.Open(path)
		if err != nil {
			return model.UserKey{}, fmt.Errorf("public key file: %w", err)
		}
		defer f.Close()
		r, where = f, path
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPublicKeyFile+1))
	if err != nil {
		return model.UserKey{}, fmt.Errorf("%s: %w", where, err)
	}
	if len(b) > maxPublicKeyFile {
		return model.UserKey{}, fmt.Errorf("%s: more than %d KB: not a public key", where, maxPublicKeyFile>>10)
	}
	pk, comment, _, rest, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		return model.UserKey{}, fmt.Errorf("%s is not an SSH public key (want one line such as \"ssh-ed25519 AAAA… ana@laptop\", e.g. ~/.ssh/id_ed25519.pub): %v", where, err)
	}
	if strings.TrimSpace(string(rest)) != "" {
		return model.UserKey{}, fmt.Errorf("%s holds more than one key: give one", where)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	return model.UserKey{Fingerprint: ssh.FingerprintSHA256(pk), PublicKey: line, Comment: comment}, nil
}

// userJSON is one person of `users list --json`.
type userJSON struct {
	Email        string          `json:"email"`
	Name         string          `json:"name"`
	SuperAdmin   bool            `json:"super_admin"`
	Since        string          `json:"since"`
	Workspaces   []userWorkspace `json:"workspaces"`
	Fingerprints []string        `json:"key_fingerprints"`
}

type userWorkspace struct {
	Workspace string `json:"workspace"`
	Role      string `json:"role"`
}

// usersJSON is the one place `users list --json` takes data from the
// database: every string is cleaned, as on screen.
func usersJSON(list []model.UserEntry) []userJSON {
	out := make([]userJSON, 0, len(list))
	for _, u := range list {
		j := userJSON{Email: safetext.Line(u.Email), Name: safetext.Line(u.Name), SuperAdmin: u.SuperAdmin,
			Since: u.CreatedAt.UTC().Format("2006-01-02"), Workspaces: []userWorkspace{}, Fingerprints: []string{}}
		for _, w := range u.Workspaces {
			j.Workspaces = append(j.Workspaces, userWorkspace{Workspace: safetext.Line(w.Slug), Role: safetext.Line(string(w.Role))})
		}
		for _, k := range u.Keys {
			j.Fingerprints = append(j.Fingerprints, safetext.Line(k.Fingerprint))
		}
		out = append(out, j)
	}
	return out
}

// printUsers is the one place `users list` prints data from the database.
func printUsers(w io.Writer, list []model.UserEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSUPER ADMIN\tSINCE\tWORKSPACES\tKEYS")
	for _, u := range usersJSON(list) {
		var ws []string
		for _, w := range u.Workspaces {
			ws = append(ws, w.Workspace+":"+w.Role)
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%s\n", dash(u.Email), dash(u.Name), u.SuperAdmin, u.Since,
			dash(strings.Join(ws, ",")), dash(strings.Join(u.Fingerprints, ",")))
	}
	return tw.Flush()
}
