package safetext

import "strings"

// MaxFileNamePart bounds what FileName keeps: file systems refuse names
// past 255 bytes, and the caller adds a prefix and a suffix.
const MaxFileNamePart = 64

// FileName makes s (an execution id, a campaign name: data) usable as part
// of a file name in a folder the user chose: only ASCII letters, digits,
// '.', '_' and '-' are kept (anything else, '/' included, becomes '_'), it
// never starts with a dot, and it holds at most MaxFileNamePart bytes. So
// "/../../tmp/x" gives "_.._.._tmp_x", which stays in the folder. An empty
// result is "_".
func FileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= MaxFileNamePart {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
