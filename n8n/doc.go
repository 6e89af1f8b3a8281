// Package n8n is godmode's client of n8n's public REST API (/api/v1): typed
// requests and responses, typed errors a caller can branch on, timeouts,
// safe retries and a per-instance limit on requests in flight.
//
// It imports only the standard library, so every other package may use its
// types; n8n/n8ntest holds an in-memory n8n that behaves like the real one
// (1.x by default, 2.x with n8ntest.WithMajor(2)).
//
// # Two majors
//
// The platform runs n8n 1.x (proven on 1.123.81) and 2.x (proven on
// 2.41.1) side by side, and this client serves both with the same calls
// and the same typed errors. Neither major reports its version through
// the public API, so ProbeCapabilities learns what an instance can do by
// behaviour; callers ask the Capabilities, never a version number. What
// differs, as seen on the real releases (the contract suite checks each
// line against both, see contract_*_test.go):
//
//   - Activation refusals: no trigger is 400 on both, worded `Workflow
//     "<name>" (ID: <id>) has no node to start the workflow…` (1.x) or
//     `Workflow cannot be activated because it has no trigger node…`
//     (2.x); a webhook path another active workflow holds is 400 `The URL
//     path that the "Webhook" node uses is already taken…` (1.x) or 409
//     `There is a conflict with one of the webhooks.` (2.x). Both come out
//     as ErrNoTrigger / ErrWebhookPathTaken, which also match ErrBadRequest
//     and (for the path) ErrConflict; Message keeps n8n's words.
//   - Webhook registration lags on 2.x: right after activate (or publish)
//     answers, the production URL still says `… is not registered` for
//     about half a second; after a deactivation it stays registered a
//     moment too, and another workflow's activation on that path is still
//     refused. Worse, 2.x checks a path against registered webhooks only:
//     a second workflow activated on the same path before the first has
//     registered is let in, and both stay active (seen one time in three).
//     After an activation, WaitRegistered before calling a webhook live
//     and before activating another workflow on the same path.
//   - A freed path can stay taken for an hour on 2.x. n8n's webhook lookup
//     caches what it reads from the database (N8N_CACHE_MEMORY_TTL, one
//     hour by default), and its background unpublisher clears that cache
//     before it deletes the rows: a lookup in between (another workflow's
//     activation on the path, or a request to the webhook) puts the row
//     back, and the path is refused ("conflict") until the entry expires
//     or n8n restarts, even after the first workflow is deleted. Seen on
//     2.41.1 in one run of three when activating every few milliseconds
//     after the deactivation, and under CI load when polling every 200 ms.
//     To move a path from one workflow to another, deactivate the first
//     and wait for its unpublishing to end without asking about the path:
//     a delete is refused (ErrNotYetUnpublished) until the rows are gone,
//     and DeleteWorkflow waits for that. The fake does not model the cache.
//   - Deleting on 2.x: a published (active) workflow is refused with 409
//     `Cannot delete a published workflow. Unpublish it before deleting.`
//     (ErrPublished), and one just deactivated with 409 `Workflow is still
//     being unpublished. Please try again in a few moments.`
//     (ErrNotYetUnpublished). DeleteWorkflow deactivates first and retries
//     the second answer with a bounded backoff (UnpublishRetry); 1.x
//     deletes an active workflow at once. A delete right after the
//     deactivation also answered a bare 500 `Internal server error` once
//     (2.x's publication queue, which does activations and deactivations
//     after the call answers, still held the workflow): DeleteWorkflow
//     retries that too, and a 404 after it means the delete happened.
//     Reactivating the same workflow right after its deactivation works.
//   - Drafts: on 2.x an edit saved in the editor changes nodes and
//     versionId but not activeVersion, which is what runs: read what a
//     workflow does now (its webhook URLs) from Workflow.Published().
//   - Acting on an unknown workflow: 1.x answers 404 `Not Found`; 2.x
//     answers 404 `You do not have permission to activate (deactivate)
//     this workflow. Ask the owner to share it with you.` Both are
//     ErrNotFound (by status); GET and DELETE answer `Not Found` on both.
//   - Publishing: 2.x has POST /workflows/{id}/publish and /unpublish
//     (Publish, Unpublish) beside activate/deactivate, which still work;
//     1.x answers 405 `POST method not allowed` (ErrNotSupported).
//     Workflows carry versionId, activeVersionId and activeVersion on both
//     (1.123 already fills activeVersionId on activation), so those fields
//     do not tell the majors apart. On 2.x a PUT through the public API
//     of an active workflow moved activeVersionId to the new version
//     (seen): what is published is what was last saved, no draft.
//   - Credentials: 2.x lists them (GET /credentials, ListCredentials); 1.x
//     answers 405 `GET method not allowed` (ErrNotSupported).
//   - Waiting executions: 2.x lists them (with status=waiting too); 1.x
//     never does (n8n issue #14748) and they are readable by id only.
//   - Create and update: unknown keys are `request/body must NOT have
//     additional properties` (1.x) or `request/body Unrecognized key(s) in
//     object: 'bogus'` (2.x, also under /settings and /nodes/N); versionId
//     is an unknown key on 1.x and `request/body/versionId is read-only`
//     on 2.x; pinData is refused by 1.x and accepted by 2.x. The client
//     sends neither.
//   - What create keeps: both majors store the nodes, parameters,
//     credential references (even to credentials that do not exist, such
//     as a template's YOUR_CREDENTIAL_POSTGRES_ID) and webhookIds as sent,
//     and give an id to a node without one. 1.x adds settings.callerPolicy
//     "workflowsFromSameOwner" and settings.availableInMCP false when they
//     are missing; 2.41.1 keeps the settings as sent. Those two defaults,
//     and node flags left false, are dropped by the blueprint normaliser
//     (model/blueprint/normalise.go), so a workflow created from a
//     blueprint and captured back differs from it only where the capture
//     substituted values (contract_capture_test.go).
//   - Lists: 1.x refuses limit=251 and a status filter outside
//     FilterStatuses with 400; 2.x accepts both, so the client keeps its
//     own bounds. A bad active filter is `request/query/active must be
//     boolean` (1.x) or `request/query/active Invalid enum value. Expected
//     'true' | 'false', received 'maybe'` (2.x).
//   - A bad API key is 401 `unauthorized` (1.x) or `Unauthorized` (2.x).
//   - A retry's answer carries retryOf as a number (1.x) or a string
//     (2.x); Execution.RetryOf is a string either way.
//   - Running 2.x: Node 24, and (installed without scripts) Postgres, not
//     SQLite: see .ci/n8n-peer.sh.
//
// # What provisioning relies on
//
// Seen on 1.123.81 and 2.41.1 alike unless a major is named; each line is
// a case of contract_provision_test.go, run against both real releases
// and the fake in both modes.
//
//   - Namespaced webhook paths: a Webhook node's path may hold a slash
//     (`acme/unsubscribe`); create and activation take it, the production
//     URL is <base>/webhook/acme/unsubscribe, and a POST there runs that
//     workflow only, beside another workspace's `other/unsubscribe`.
//     Create keeps the webhookId sent. A second workflow on the same path
//     is created (create checks nothing), and refused on activation: 400
//     `The URL path that the "Webhook" node uses is already taken. Please
//     change it to something else.` (1.x), 409 `There is a conflict with
//     one of the webhooks.` (2.x), ErrWebhookPathTaken either way.
//   - A PUT moving an active workflow onto a taken path is refused the
//     same way, but not undone: the new nodes are saved. 1.x leaves the
//     workflow inactive; 2.x keeps it active on the version before (the
//     new nodes become a draft: Published() still shows the old path).
//     A re-apply that meets this refusal must read the workflow back.
//   - Creating a credential answers its description, never its data:
//     id, name, type, createdAt, updatedAt, isManaged, isGlobal (2.x adds
//     isResolvable, resolvableAllowFallback, resolverId). Deleting answers
//     the same without the id on 1.x, with it (and usageScope) on 2.x.
//   - A node's credential reference {id, name} to an existing credential
//     has its name rewritten to the credential's on create; a reference to
//     an id that does not exist is kept as sent, and the workflow is
//     created and activated without a word. It fails only when it runs: a
//     Webhook node with header auth whose credential does not exist (or
//     was deleted since: n8n lets a credential in use be deleted) answers
//     500 `No authentication data defined on node!`; a wrong or missing
//     header 403 `Authorization data is wrong!`. So roll back workflows
//     before their credentials.
//   - Credential schemas (GET /credentials/schema/{type}): 1.x's carry
//     allOf/if/then/else conditions, and an `if` on an absent property
//     holds (JSON Schema), so 1.x refuses an openAiApi credential without
//     `header` (it then needs headerName and headerValue), a postgres one
//     without `sshTunnel` (then every ssh field), and a postgres one
//     without allowUnauthorizedCerts and `ssl` (then `ssl`), each with a
//     400 `request.body.data does not match allOf schema [subschema N]
//     with K error[s]:,…requires property "X"`; give `header: false` and
//     `sshTunnel: false` (and `ssl`) explicitly. 2.41.1's schemas have no
//     conditions and take all of these; its HTTP and OpenAI types add
//     allowedHttpRequestDomains and allowedDomains. Both refuse a wrong
//     type or enum value without naming the property: `request.body.data
//     is not of a type(s) number`, `… is not one of enum values: …`.
//   - After a create timed out: GET /workflows?name= is a LIKE
//     `%name%` (so "Email 1" finds "Email 10", and '_' and '%' in a name
//     are wildcards), case-insensitive on 1.123.81 (SQLite) and
//     case-sensitive on 2.41.1 (Postgres); tags= takes names, exact, and
//     finds workflows carrying all of them; a name that is no tag is
//     ignored by 1.x and makes 2.x find nothing. FindWorkflows compares
//     the exact name and tags itself. Names are unique for neither
//     workflows nor credentials: a blind second create makes a second
//     one. Credentials: 1.x can neither list
//     nor read one (405 `GET method not allowed`, ErrNotSupported), so a
//     credential create that timed out cannot be looked for there: a
//     second create may leave one that no run owns and only the editor
//     shows (the ids that did come back must be recorded); 2.x lists them
//     newest first, paged (the cursor carries the page size), ignoring
//     name and type filters (Credentials; compare names), and reads one
//     by id (GetCredential; unknown: 404
//     `Credential not found`).
//   - Update in place: a PUT keeps the workflow's id and, with the same
//     path and webhookId, its webhook URL; an active workflow stays
//     active and versionId and activeVersionId both move to the new
//     version (1.x and 2.x): no re-publish is needed. But on 2.41.1 a call
//     right after the PUT answered may still run the version before (seen
//     for the first call, under a second); 1.x runs the new one at once.
//     An inactive workflow updated stays inactive. Re-apply
//     (model/genesis) relies on this: it PUTs an active workflow without
//     deactivating or re-publishing it, keeping the live webhookIds and
//     paths; TestContractProvisionTwoWorkspaces re-applies a workspace
//     with another campaign name on both releases, its id and URL unchanged
//     and still active, and on 2.41.1 saw the first POST after the PUT run
//     the old Code node value, the second the new. Callers that must
//     answer with the new version at once on 2.x cannot count on it.
package n8n
