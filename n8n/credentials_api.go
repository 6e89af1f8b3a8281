package n8n

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
)

// CreateCredential stores a credential in n8n and returns its id. The
// data goes in the request body and nowhere else; n8n validates it against
// the type's schema (ErrBadRequest names the missing or extra property).
func (c *Client) CreateCredential(ctx context.Context, cr Credential) (CredentialInfo, error) {
	if cr.Data == nil {
		cr.Data = map[string]any{}
	}
	body, err := c.do(ctx, call{method: "POST", path: "/credentials", body: cr})
	if err != nil {
		return CredentialInfo{}, err
	}
	return decode[CredentialInfo](body, "POST", "/credentials")
}

// DeleteCredential deletes a credential.
func (c *Client) DeleteCredential(ctx context.Context, id string) error {
	_, err := c.do(ctx, call{method: "DELETE", path: "/credentials/" + url.PathEscape(id)})
	return err
}

// CredentialSchema returns the JSON Schema of a credential type's data
// (ErrNotFound for an unknown type).
func (c *Client) CredentialSchema(ctx context.Context, credentialType string) (json.RawMessage, error) {
	body, err := c.do(ctx, call{method: "GET", path: "/credentials/schema/" + url.PathEscape(credentialType), idempotent: true})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(body), nil
}

// Variables lists the instance's variables. Variables need a licence:
// a community n8n answers ErrForbidden.
func (c *Client) Variables(ctx context.Context) ([]Variable, error) {
	body, err := c.do(ctx, call{method: "GET", path: "/variables?limit=250", idempotent: true})
	if err != nil {
		return nil, err
	}
	p, err := decode[Page[Variable]](body, "GET", "/variables?limit=250")
	return p.Data, err
}

// ListCredentials reads one page of credentials, without their data (2.x;
// ErrNotSupported on 1.x: see Capabilities.ListCredentials).
func (c *Client) ListCredentials(ctx context.Context, limit int, cursor string) (Page[CredentialInfo], error) {
	return getPage[CredentialInfo](ctx, c, "/credentials"+pageQuery(url.Values{}, "", limit, cursor))
}

// Credentials iterates over every credential, newest first, 250 a page
// (2.x; the first item is ErrNotSupported on 1.x). n8n 2.41.1 ignores
// name and type filters on this list, so a caller looking for one
// credential compares names itself.
func (c *Client) Credentials(ctx context.Context) iter.Seq2[CredentialInfo, error] {
	return paginate(ctx, func(ctx context.Context, cursor string) (Page[CredentialInfo], error) {
		return c.ListCredentials(ctx, 0, cursor)
	})
}

// GetCredential reads a credential's description, never its data (2.x:
// ErrNotFound `Credential not found` for an unknown id; 1.x has no such
// route: ErrNotSupported).
func (c *Client) GetCredential(ctx context.Context, id string) (CredentialInfo, error) {
	path := "/credentials/" + url.PathEscape(id)
	body, err := c.do(ctx, call{method: "GET", path: path, idempotent: true})
	if err != nil {
		return CredentialInfo{}, err
	}
	return decode[CredentialInfo](body, "GET", path)
}
