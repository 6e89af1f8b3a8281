// Package common holds what every view of the console shares: the theme and
// clock, age and duration formatting, the status-line message, and a text
// input styled from the theme. It imports no view, so views can import it.
package common
