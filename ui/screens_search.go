package ui

import (
	"github.com/godmode-console/godmode/ui/views/search"
)

// searchSpec is the search of a campaign's executions' data, opened by
// "/data:TEXT" in the fleet's executions pane (no command: it needs the
// campaign under the cursor).
func searchSpec() ScreenSpec {
	return ScreenSpec{ID: search.Screen, Title: "search", New: func(e Env) Screen {
		o := e.Options
		return search.New(e.Backend, search.Options{Actor: o.Actor, Theme: o.Theme, Now: o.Now})
	}}
}
