package genesis

import (
	"encoding/json"
	"fmt"
)

// VersionFromStored reads a blueprint version as the vault stores it
// (model.BlueprintVersion's workflows, files and report columns).
func VersionFromStored(blueprint string, number int, hash string, workflows, files, report json.RawMessage) (Version, error) {
	v := Version{Blueprint: blueprint, Number: number, Hash: hash}
	if err := json.Unmarshal(workflows, &v.Workflows); err != nil {
		return Version{}, fmt.Errorf("blueprint %s@v%d: stored workflows: %w", blueprint, number, err)
	}
	if err := json.Unmarshal(files, &v.Files); err != nil {
		return Version{}, fmt.Errorf("blueprint %s@v%d: stored file names: %w", blueprint, number, err)
	}
	if err := json.Unmarshal(report, &v.Report); err != nil {
		return Version{}, fmt.Errorf("blueprint %s@v%d: stored report: %w", blueprint, number, err)
	}
	if len(v.Files) != len(v.Workflows) {
		return Version{}, fmt.Errorf("blueprint %s@v%d: %d workflows but %d file names", blueprint, number, len(v.Workflows), len(v.Files))
	}
	return v, nil
}
