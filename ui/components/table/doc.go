// Package table is the console's one list component: a virtualised table
// (only the rows on screen are rendered) with a cursor that follows a row's
// id across refreshes, sort by column, a "/" filter and mouse support. It
// serves workspaces, campaigns, executions, audit entries and instances.
package table
