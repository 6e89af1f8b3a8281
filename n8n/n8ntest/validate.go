package n8ntest

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/godmode-console/godmode/n8n"
)

// The public API's workflow schema (n8n 1.123): what a create or update
// body may hold, in the order n8n checks it.
var (
	workflowWritable = []string{"name", "nodes", "connections", "settings", "staticData"}
	workflowReadOnly = []string{"id", "active", "createdAt", "updatedAt", "tags", "shared", "activeVersion"}
	workflowRequired = []string{"name", "nodes", "connections", "settings"}
	nodeFields       = []string{"id", "name", "webhookId", "disabled", "notesInFlow", "notes", "type", "typeVersion",
		"executeOnce", "alwaysOutputData", "retryOnFail", "maxTries", "waitBetweenTries", "continueOnFail", "onError",
		"position", "parameters", "credentials", "createdAt", "updatedAt"}
	settingsFields = []string{"saveExecutionProgress", "saveManualExecutions", "saveDataErrorExecution",
		"saveDataSuccessExecution", "executionTimeout", "errorWorkflow", "timezone", "executionOrder", "callerPolicy",
		"callerIds", "timeSavedPerExecution", "availableInMCP"}
)

// validateWorkflowBody checks a create or update body with n8n's messages
// and returns the workflow it describes, or the refusal.
func validateWorkflowBody(body map[string]json.RawMessage, major int) (n8n.Workflow, string) {
	var w n8n.Workflow
	writable, readOnly := workflowWritable, workflowReadOnly
	if major >= 2 {
		// 2.x takes pinData and names versionId read-only.
		writable, readOnly = append(slices.Clone(writable), "pinData"), append(slices.Clone(readOnly), "versionId")
	}
	var unknown []string
	for k := range body {
		if !slices.Contains(writable, k) && !slices.Contains(readOnly, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 && major < 2 {
		return w, "request/body must NOT have additional properties"
	}
	// 2.x checks read-only fields first, then unknown keys.
	if major >= 2 {
		for _, k := range readOnly {
			if _, ok := body[k]; ok {
				return w, "request/body/" + k + " is read-only"
			}
		}
		if len(unknown) > 0 {
			return w, unrecognized("request/body", unknown)
		}
	}
	for _, k := range workflowRequired {
		if _, ok := body[k]; !ok {
			return w, fmt.Sprintf("request/body must have required property '%s'", k)
		}
	}
	for _, k := range readOnly {
		if _, ok := body[k]; ok {
			return w, "request/body/" + k + " is read-only"
		}
	}
	if json.Unmarshal(body["name"], &w.Name) != nil {
		return w, "request/body/name must be string"
	}
	var nodes []map[string]json.RawMessage
	if json.Unmarshal(body["nodes"], &nodes) != nil {
		return w, "request/body/nodes must be array"
	}
	for i, n := range nodes {
		var extra []string
		for k := range n {
			if !slices.Contains(nodeFields, k) {
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 && major >= 2 {
			return w, unrecognized(fmt.Sprintf("request/body/nodes/%d", i), extra)
		}
		if len(extra) > 0 {
			return w, fmt.Sprintf("request/body/nodes/%d must NOT have additional properties", i)
		}
	}
	if json.Unmarshal(body["nodes"], &w.Nodes) != nil {
		return w, "request/body/nodes must be array"
	}
	var conns map[string]json.RawMessage
	if json.Unmarshal(body["connections"], &conns) != nil || conns == nil {
		return w, "request/body/connections must be object"
	}
	w.Connections = body["connections"]
	if json.Unmarshal(body["settings"], &w.Settings) != nil || w.Settings == nil {
		return w, "request/body/settings must be object"
	}
	var extra []string
	for k := range w.Settings {
		if !slices.Contains(settingsFields, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 && major >= 2 {
		return w, unrecognized("request/body/settings", extra)
	}
	if len(extra) > 0 {
		return w, "request/body/settings must NOT have additional properties"
	}
	if pd, ok := body["pinData"]; ok {
		w.PinData = pd
	}
	if sd, ok := body["staticData"]; ok {
		w.StaticData = sd
	}
	return w, ""
}
