package model

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

var instanceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// CheckInstanceName says what is wrong with an instance name, the same rule
// the database enforces, so a command can refuse it before connecting.
func CheckInstanceName(name string) error {
	if !instanceName.MatchString(name) {
		return fmt.Errorf("%w: instance name %q: use 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", ErrInvalid, name)
	}
	return nil
}

// CheckInstanceURL validates the URL an instance's API key (field "--url",
// "base_url") or webhooks ("--webhook-url") are sent to and returns it
// without its trailing slash. The API key travels in a header on every
// call, so plain http is refused for anything but this machine unless
// insecureHTTP says so (flagName names the flag or setting that does), and
// credentials inside the URL are refused: they would be stored and printed
// in clear.
func CheckInstanceURL(field, raw string, insecureHTTP bool, flagName string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err == nil && u.User != nil {
		return "", fmt.Errorf("%w: %s carries credentials (user:password@): remove them; the API key is given with --api-key-env or --api-key-stdin", ErrInvalid, field)
	}
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%w: %s %q is not an http(s) URL such as https://ohio.n8n.example.com", ErrInvalid, field, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: %s %q has a query or fragment: give the base URL only", ErrInvalid, field, raw)
	}
	if u.Scheme == "http" && !insecureHTTP && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("%w: %s %q is plain http to another machine: the API key would cross the network in clear; use https, or %s if you must", ErrInvalid, field, raw, flagName)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
