package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// importFleet is one workspace, ohio, with no lead yet, and the store
// the commands use.
func importFleet(t *testing.T) (*db.Store, model.Workspace) {
	t.Helper()
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, url)
	ws, err := store.CreateWorkspace(context.Background(), "ohio", "Ohio Roofing", nil)
	if err != nil {
		t.Fatal(err)
	}
	return store, ws
}

// leadEmails are the workspace's leads, as "email status" lines in order.
func leadEmails(t *testing.T, store *db.Store, ws model.Workspace) string {
	t.Helper()
	ls, err := store.Leads(context.Background(), ws.ID, "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "%s %s %s\n", l.Email, l.Status, l.Metadata)
	}
	return b.String()
}

func TestLeadsImportCLIAllOrNothingThenSkipInvalid(t *testing.T) {
	store, ws := importFleet(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "leads.csv")
	os.WriteFile(file, []byte("Email;First Name\r\nana@example.com;Ana\r\nnope;Bad\r\nbob@example.com;Bob\r\n"), 0o600)

	_, errOut, code := godmode(t, "", "leads", "import", "--workspace", "ohio", file)
	rejects := filepath.Join(dir, "leads.rejects.csv")
	if code == 0 || !strings.Contains(errOut, "1 of 3 rows failed, so nothing landed") || !strings.Contains(errOut, "line 3: email \"nope\" has no @") ||
		!strings.Contains(errOut, "the failed rows, with their line and reason, are in "+rejects) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := leadEmails(t, store, ws); got != "" {
		t.Fatalf("landed: %s", got)
	}
	out, errOut, code := godmode(t, "", "leads", "import", "--workspace", "ohio", "--skip-invalid", "--json", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := decode[struct {
		Workspace, Format                                  string
		RejectsFile                                        string `json:"rejects_file"`
		Rows, Inserted, Updated, Merged, Skipped, Rejected int
		Rejects                                            []struct {
			Line   int
			Reason string
		}
		Typed   map[string]string
		Landed  bool
		Seconds float64
	}](t, out)
	if res.Inserted != 2 || res.Rejected != 1 || !res.Landed || res.Rejects[0].Line != 3 {
		t.Fatalf("%s", out)
	}
	b, _ := os.ReadFile(rejects)
	if string(b) != "Email,First Name,line,reason\nnope,Bad,3,\"email \"\"nope\"\" has no @\"\n" {
		t.Fatalf("rejects file:\n%s", b)
	}
	if got := leadEmails(t, store, ws); got != "ana@example.com new {\"first_name\": \"Ana\"}\nbob@example.com new {\"first_name\": \"Bob\"}\n" {
		t.Fatalf("leads:\n%s", got)
	}
	// From a pipe: no rejects file, the failed rows said on stderr.
	out, errOut, code = godmode(t, "carla@example.com,x\nbad,y\n", "leads", "import", "--workspace", "ohio", "--skip-invalid", "-")
	if code == 0 || !strings.Contains(errOut, "no header line found") {
		t.Fatalf("a file without header: exit %d %s %s", code, out, errOut)
	}
	out, errOut, code = godmode(t, "email,name\ncarla@example.com,x\nbad,y\n", "leads", "import", "--workspace", "ohio", "--skip-invalid", "-")
	if code != 0 || !strings.HasPrefix(out, "imported 2 rows into ohio: 1 inserted, 0 updated, 0 merged within the file, 0 skipped, 1 rejected; read as UTF-8, ','-separated, LF line ends, header on line 1") ||
		!strings.Contains(errOut, "rejected line 3: email \"bad\" has no @") {
		t.Fatalf("exit %d %s %s", code, out, errOut)
	}
}

// Over SSH the file comes through standard input; a server path and a
// rejects file on the server are refused; a member may not import.
func TestLeadsImportOverSSHThroughStdin(t *testing.T) {
	f := newScriptFleet(t)
	ctx := context.Background()
	priv, pub := newSSHKey(t)
	registerKey(t, f.store, "admin@ohio.io", pub)
	u, _ := f.store.UserByEmail(ctx, "admin@ohio.io")
	if err := f.store.SetMember(ctx, f.ohio.ID, u.ID, model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	sv := startServe(t)
	admin := sv.dial(t, priv)
	csv := "email,company\nana@example.com,Acme\nana@example.com,Acme Inc\nbob@example.com,Bolt\n"
	out, errOut, code := sshRun(t, admin, csv, "leads", "import", "--workspace", "ohio", "--json", "-")
	if res := decode[map[string]any](t, out); code != 0 || res["inserted"] != 2.0 || res["merged"] != 1.0 {
		t.Fatalf("exit %d %s %s", code, out, errOut)
	}
	if got := leadEmails(t, f.store, f.ohio); got != "ana@example.com new {\"company\": \"Acme Inc\"}\nbob@example.com new {\"company\": \"Bolt\"}\n" {
		t.Fatalf("leads:\n%s", got)
	}
	if _, errOut, code := sshRun(t, admin, csv, "leads", "import", "--workspace", "ohio", "/etc/passwd"); code == 0 || !strings.Contains(errOut, "names a file on the server") {
		t.Fatalf("a server path: exit %d %s", code, errOut)
	}
	if _, errOut, code := sshRun(t, admin, csv, "leads", "import", "--workspace", "ohio", "--rejects", "/tmp/x.csv", "-"); code == 0 || !strings.Contains(errOut, "--rejects") {
		t.Fatalf("--rejects over SSH: exit %d %s", code, errOut)
	}
	if _, errOut, code := sshRun(t, admin, csv, "leads", "import", "--workspace", "texas", "-"); code == 0 || !strings.Contains(errOut, "not a member") {
		t.Fatalf("another tenant: exit %d %s", code, errOut)
	}
	member := sv.dial(t, f.member)
	if _, errOut, code := sshRun(t, member, csv, "leads", "import", "--workspace", "ohio", "-"); code == 0 || !strings.Contains(errOut, "a member may not import_leads") {
		t.Fatalf("a member: exit %d %s", code, errOut)
	}
}

// The binary killed with SIGKILL while it streams a pipe into staging
// leaves the leads as they were.
func TestLeadsImportKilledMidStreamLandsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	store, ws := importFleet(t)
	if _, errOut, code := godmode(t, "email,n\nkeep@example.com,1\n", "leads", "import", "--workspace", "ohio", "-"); code != 0 {
		t.Fatal(errOut)
	}
	before := leadEmails(t, store, ws)
	bin := buildGodmode(t)
	cmd := exec.Command(bin, "leads", "import", "--workspace", "ohio", "-")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(stdin)
	fmt.Fprintln(w, "email,n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(w, "l%d@example.com,%d\n", i, i)
	}
	w.Flush()
	// The COPY into staging is under way (the pipe stays open).
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'copy%leads_staging%' AND pid <> pg_backend_pid()`).Scan(&n)
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no COPY seen; stderr: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	stdin.Close()
	// Postgres rolls the dead client's transaction back once it sees the
	// connection gone.
	deadline = time.Now().Add(30 * time.Second)
	for {
		var n int
		store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'copy%leads_staging%' AND pid <> pg_backend_pid()`).Scan(&n)
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed import's COPY is still open")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if after := leadEmails(t, store, ws); after != before {
		t.Fatalf("leads changed:\n%s\nthen\n%s", before, after)
	}
}

// Ctrl-C (the command's context cancelled) mid-stream: said, nothing landed.
func TestLeadsImportInterruptedSaysNothingLanded(t *testing.T) {
	store, ws := importFleet(t)
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		w := bufio.NewWriter(pw)
		fmt.Fprintln(w, "email,n")
		for i := 0; i < 20000; i++ {
			fmt.Fprintf(w, "l%d@example.com,%d\n", i, i)
		}
		w.Flush()
		cancel()
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(pw, "m%d@example.com,%d\n", i, i); err != nil {
				return
			}
		}
	}()
	var out, errb strings.Builder
	code := run(ctx, []string{"leads", "import", "--workspace", "ohio", "-"}, pr, &out, &errb)
	pr.Close()
	if code == 0 || !strings.Contains(errb.String(), "interrupted: nothing landed") {
		t.Fatalf("exit %d %s %s", code, out.String(), errb.String())
	}
	if got := leadEmails(t, store, ws); got != "" {
		t.Fatalf("landed: %s", got)
	}
}

func TestProgressBarShowsRateAndETA(t *testing.T) {
	var b strings.Builder
	bar := &progressBar{w: &b}
	bar.show(model.LeadImportProgress{Phase: "reading", Rows: 50000, Bytes: 25, Size: 100, Elapsed: 2 * time.Second, Rejected: 3})
	if got := b.String(); got != "\r\033[K[#######-----------------------]  25% reading 50000 rows, 25000 rows/s, ETA 6s, 3 rejected" {
		t.Fatalf("%q", got)
	}
}
