package forensics

import "strings"

// Part is which part of a run a value lies in, as the inspector shows
// them: Output and ErrorJSON are cut from the run itself.
type Part int

const (
	PartOutput Part = iota // under data: what the run put out (also the default)
	PartInput              // under inputOverride: an input given to the run
	PartError              // under error
)

// PartPath says where a path within a run's object (a Hit's Path, e.g.
// data.main.0.3.json.email) lies: which part shows it, and its path in
// that part's document (Output's items or outputs, ErrorJSON's object);
// "" when that document is not cut from the run as the path is.
func PartPath(r Run, path string) (Part, string) {
	switch {
	case path == "error" || strings.HasPrefix(path, "error."):
		return PartError, strings.TrimPrefix(path, "error.")
	case path == "inputOverride" || strings.HasPrefix(path, "inputOverride."):
		return PartInput, ""
	}
	// data.<connection>.<output>.<item>…: Output is the items of the only
	// output, or the list of the outputs' items.
	parts := strings.SplitN(path, ".", 4)
	if len(parts) < 4 || parts[0] != "data" {
		return PartOutput, ""
	}
	if len(r.OutputItems) == 1 {
		if parts[2] == "0" {
			return PartOutput, parts[3]
		}
		return PartOutput, ""
	}
	return PartOutput, parts[2] + "." + parts[3]
}
