// Package search is the screen of a search of a campaign's executions'
// data ("/data:TEXT" in the fleet's executions pane): the latest
// executions read a few at a time with the progress shown, the matches
// listed with their node, run and path, enter opening forensics on one.
package search
