package model

import "time"

// BlueprintSummary is a blueprint with its newest version number.
type BlueprintSummary struct {
	ID          int64
	Name        string
	Description string
	CreatedAt   time.Time
	Latest      int
	Versions    int
	LatestAt    *time.Time
}
