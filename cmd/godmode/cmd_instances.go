package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/safetext"
)

func runInstances(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("instances")
	url := fs.String("url", "", "the instance's base URL, e.g. https://ohio.n8n.example.com")
	webhook := fs.String("webhook-url", "", "the base URL its webhooks are called on, if not the base URL")
	keyEnv := fs.String("api-key-env", "", "the environment variable holding the instance's API key")
	keyStdin := fs.Bool("api-key-stdin", false, "read the API key from standard input")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	s, err := g.open(ctx, pos[0] == "add")
	if err != nil {
		return err
	}
	defer s.close()
	switch pos[0] {
	case "add":
		if len(pos) != 2 || *url == "" {
			return fmt.Errorf("usage: godmode instances add NAME --url URL (--api-key-env VAR | --api-key-stdin)")
		}
		key, err := readAPIKey(g, *keyEnv, *keyStdin)
		if err != nil {
			return err
		}
		in, err := s.store.AddInstance(ctx, db.NewInstance{Name: pos[1], BaseURL: *url, WebhookBaseURL: *webhook, APIKey: key})
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "added instance %s (%s), API key encrypted under master key %s\n", in.Name, in.BaseURL, in.KeyID)
		return nil
	case "list":
		list, err := s.store.Instances(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tBASE URL\tWEBHOOK URL\tKEY\tHEALTH\tLAST ERROR")
		for _, in := range list {
			health := "unchecked"
			if in.Healthy != nil {
				health = map[bool]string{true: "ok", false: "down"}[*in.Healthy]
				if in.LastLatency > 0 {
					health += fmt.Sprintf(" %dms", in.LastLatency.Milliseconds())
				}
			}
			l := safetext.Line // the last error is n8n's text: cleaned
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l(in.Name), l(in.BaseURL), l(dash(in.WebhookBaseURL)), l(in.KeyID), health, l(dash(in.LastError)))
		}
		return tw.Flush()
	case "remove":
		if len(pos) != 2 {
			return fmt.Errorf("usage: godmode instances remove NAME")
		}
		if err := s.store.RemoveInstance(ctx, pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "removed instance %s\n", pos[1])
		return nil
	}
	return fmt.Errorf("unknown action %q (want add, list or remove)", pos[0])
}

// readAPIKey takes the key from an environment variable or standard input,
// never from argv, where ps and shell history would keep it.
func readAPIKey(g *globals, env string, stdin bool) (string, error) {
	switch {
	case env != "" && stdin:
		return "", fmt.Errorf("give the API key one way: --api-key-env or --api-key-stdin")
	case env != "":
		v := strings.TrimSpace(os.Getenv(env))
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty or unset", env)
		}
		return v, nil
	case stdin:
		line, err := bufio.NewReader(g.stdin).ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			return "", fmt.Errorf("no API key on standard input (%v)", err)
		}
		return line, nil
	}
	return "", fmt.Errorf("the API key is needed: --api-key-env VAR or --api-key-stdin")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
