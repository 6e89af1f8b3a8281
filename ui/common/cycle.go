package common

// Cycle is the value after cur in a filter key's round: the zero value
// ("any") first, then each of all, then back to the zero value.
func Cycle[T comparable](cur T, all []T) T {
	var zero T
	if cur == zero {
		if len(all) > 0 {
			return all[0]
		}
		return zero
	}
	for i, x := range all {
		if x == cur && i+1 < len(all) {
			return all[i+1]
		}
	}
	return zero
}
