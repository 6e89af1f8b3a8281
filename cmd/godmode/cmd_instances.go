package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

func runInstances(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("instances")
	url := fs.String("url", "", "the instance's base URL, e.g. https://ohio.n8n.example.com")
	webhook := fs.String("webhook-url", "", "the base URL its webhooks are called on, if not the base URL")
	insecure := fs.Bool("insecure-http", false, "allow a plain http URL to another machine (the API key then crosses the network in clear)")
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
	// Every argument is checked before the database is reached.
	action, name := pos[0], ""
	switch action {
	case "add", "remove", "set-key", "set-url":
		if len(pos) != 2 {
			return fmt.Errorf("usage: godmode instances %s NAME …: give one instance name (got %d arguments)", action, len(pos)-1)
		}
		name = pos[1]
		if err := model.CheckInstanceName(name); err != nil {
			return err
		}
	case "list":
		if len(pos) != 1 {
			return fmt.Errorf("usage: godmode instances list (takes no arguments)")
		}
	default:
		return fmt.Errorf("unknown action %q (want add, list, remove, set-key or set-url)", action)
	}
	var in model.NewInstance
	switch action {
	case "add":
		if *url == "" {
			return fmt.Errorf("usage: godmode instances add NAME --url URL (--api-key-env VAR | --api-key-stdin)")
		}
		key, err := readAPIKey(g, *keyEnv, *keyStdin)
		if err != nil {
			return err
		}
		if in, err = model.CheckNewInstance(model.NewInstance{Name: name, BaseURL: *url, WebhookBaseURL: *webhook, APIKey: key, InsecureHTTP: *insecure}); err != nil {
			return err
		}
	case "set-key":
		if in.APIKey, err = readAPIKey(g, *keyEnv, *keyStdin); err != nil {
			return err
		}
	case "set-url":
		if *url == "" {
			return fmt.Errorf("usage: godmode instances set-url NAME --url URL [--webhook-url URL]")
		}
		if in.BaseURL, err = model.CheckInstanceURL("--url", *url, *insecure, "--insecure-http"); err != nil {
			return err
		}
		if *webhook != "" {
			if in.WebhookBaseURL, err = model.CheckInstanceURL("--webhook-url", *webhook, *insecure, "--insecure-http"); err != nil {
				return err
			}
		}
	}
	s, err := g.open(ctx, action != "list" && action != "remove")
	if err != nil {
		return err
	}
	defer s.close()
	switch action {
	case "add":
		inst, err := s.admin.AddInstance(ctx, s.actor, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "added instance %s (%s), API key encrypted under master key %s\n", inst.Name, inst.BaseURL, inst.KeyID)
	case "list":
		list, err := s.store.Instances(ctx)
		if err != nil {
			return err
		}
		return printInstances(g.stdout, list)
	case "remove":
		if err := s.admin.RemoveInstance(ctx, s.actor, name); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "removed instance %s\n", name)
	case "set-key":
		inst, err := s.admin.SetInstanceKey(ctx, s.actor, name, in.APIKey)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "stored a new API key for instance %s, encrypted under master key %s\n", inst.Name, inst.KeyID)
	case "set-url":
		inst, err := s.admin.SetInstanceURL(ctx, s.actor, name, in.BaseURL, in.WebhookBaseURL, *insecure)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "instance %s now at %s; its API key is re-sealed for that URL\n", inst.Name, inst.BaseURL)
	}
	return nil
}

// printInstances is the one place `instances list` prints data from the
// database; every field passes through cell, so cleaning them is one edit.
func printInstances(w io.Writer, list []model.Instance) error {
	cell := func(s string) string { return safetext.Line(dash(s)) } // n8n errors and names are data: cleaned
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tBASE URL\tWEBHOOK URL\tKEY\tHEALTH\tLAST ERROR")
	for _, in := range list {
		health := "unchecked"
		if in.Healthy != nil {
			health = map[bool]string{true: "ok", false: "down"}[*in.Healthy]
			if in.LastLatency > 0 {
				health += fmt.Sprintf(" %dms", in.LastLatency.Milliseconds())
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(in.Name), cell(in.BaseURL), cell(in.WebhookBaseURL), cell(in.KeyID), health, cell(in.LastError))
	}
	return tw.Flush()
}

// readAPIKey takes the key from an environment variable or standard input,
// never from argv, where ps and shell history would keep it.
func readAPIKey(g *globals, env string, stdin bool) (string, error) {
	switch {
	case env != "" && stdin:
		return "", fmt.Errorf("give the API key one way: --api-key-env or --api-key-stdin")
	case env != "":
		if err := g.localEnv("--api-key-env"); err != nil {
			return "", err
		}
		v := strings.TrimSpace(os.Getenv(env))
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty or unset", env)
		}
		return v, nil
	case stdin:
		line, err := bufio.NewReader(io.LimitReader(g.stdin, maxKeyLine)).ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			return "", fmt.Errorf("no API key on standard input (%v)", err)
		}
		return line, nil
	}
	return "", fmt.Errorf("the API key is needed: --api-key-env VAR or --api-key-stdin")
}

// maxKeyLine caps what is read of standard input for a key: n8n API keys
// are a few hundred bytes.
const maxKeyLine = 64 << 10

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
