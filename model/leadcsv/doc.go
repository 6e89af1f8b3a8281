// Package leadcsv reads lead CSV files of any shape as a stream: it sniffs
// the encoding (UTF-8, with or without a BOM, or latin-1), the delimiter and
// the header line from the first 64 KiB, then hands out one record at a
// time with the physical line it starts on, so an import of a million rows
// holds one row in memory, and every rejected row can be named by line.
//
// It also holds the rules an import applies to cells: header keys
// normalised ("First Name" -> "first_name"), emails normalised and
// validated, statuses mapped onto the platform's six. It knows nothing of
// Postgres or terminals.
package leadcsv
