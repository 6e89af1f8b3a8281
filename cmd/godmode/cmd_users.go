package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/safetext"
)

// maxPublicKeyFile caps what is read of a public key file: an
// authorized_keys line is well under 16 KB even for large RSA keys.
const maxPublicKeyFile = 64 << 10

func runUsers(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("users")
	name := fs.String("name", "", "the person's display name (users add)")
	super := fs.Bool("super-admin", false, "make the person a super admin (users add)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	// Every argument is checked before the database is reached.
	var key model.UserKey
	switch pos[0] {
	case "add":
		if len(pos) != 2 {
			return fmt.Errorf("usage: godmode users add EMAIL [--name NAME] [--super-admin]")
		}
		if err := model.CheckEmail(pos[1]); err != nil {
			return err
		}
	case "add-key":
		if len(pos) != 3 {
			return fmt.Errorf("usage: godmode users add-key EMAIL PUBKEY_FILE|- (a public key such as ~/.ssh/id_ed25519.pub, or - for standard input)")
		}
		if err := model.CheckEmail(pos[1]); err != nil {
			return err
		}
		if key, err = readPublicKey(g, pos[2]); err != nil {
			return err
		}
	case "list":
		if len(pos) != 1 {
			return fmt.Errorf("usage: godmode users list (takes no arguments)")
		}
	default:
		return fmt.Errorf("unknown action %q (want add, add-key or list)", pos[0])
	}
	s, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer s.close()
	switch pos[0] {
	case "add":
		u, err := s.admin.AddUser(ctx, s.actor, pos[1], *name, *super)
		if err != nil {
			return err
		}
		role := "user"
		if u.SuperAdmin {
			role = "super admin"
		}
		fmt.Fprintf(g.stdout, "added %s %s; register their SSH key with godmode users add-key %s PUBKEY_FILE\n", role, u.Email, u.Email)
	case "add-key":
		k, err := s.admin.AddUserKey(ctx, s.actor, pos[1], key)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "added key %s for %s\n", k.Fingerprint, pos[1])
	case "list":
		list, err := s.admin.Users(ctx, s.actor)
		if err != nil {
			return err
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

// printUsers is the one place `users list` prints data from the database.
func printUsers(w io.Writer, list []model.User) error {
	cell := func(s string) string { return safetext.Line(dash(s)) } // n8n errors and names are data: cleaned
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSUPER ADMIN\tSINCE")
	for _, u := range list {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", cell(u.Email), cell(u.Name), u.SuperAdmin, u.CreatedAt.UTC().Format("2006-01-02"))
	}
	return tw.Flush()
}
