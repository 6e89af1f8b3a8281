// Package fleet is the console's main screen: workspaces, the campaigns of
// the selected workspace, and the executions of the selected campaign, in
// three panes. It owns the optimistic toggle, marks, and the kill switch.
package fleet
