// Package forensics is the console's forensics screen: the timeline of an
// execution's node runs on the left (or above, on narrow terminals) and an
// inspector of the selected run's input, output, error, parameters and code
// on the right. It opens on the first failed run with its error shown,
// retries the execution and follows the retry, copies values and paths
// through OSC 52 and saves the sanitized execution. All the reading is done
// by the forensics package in tea.Cmds; this package only draws.
package forensics
