package db

import (
	"testing"

	"github.com/godmode-console/godmode/model"
)

// No key or value of a filter ever reaches the statement's text: the SQL
// of any filter equals the SQL of the same filter with every key and
// value replaced by a placeholder word (same operators, same fixed
// columns, same number and boolean readings), so all of it travels as
// parameters.
func FuzzLeadFilterSQLHoldsNoInput(f *testing.F) {
	for _, s := range []string{`industry="Solar Energy" score>50`, `"it's"="o'brien"`, `"a\\b"~"$1"`, "x=\x01", `campaign="Email 1"`, `email~"';--"`, "status!=new vip=true n<=2.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := model.ParseLeadFilter(s)
		if err != nil {
			return
		}
		neutral := model.LeadFilter{}
		for _, term := range flt.Terms {
			n := term
			if term.Metadata() {
				n.Key = "k"
			}
			switch {
			case term.IsNumber || term.IsBoolean:
				// keep the value: its reading decides the statement's shape
			case term.Key == model.LeadKeyCampaign && term.Value == "":
			default:
				n.Value = "v"
			}
			neutral.Terms = append(neutral.Terms, n)
		}
		a, b := &sqlArgs{}, &sqlArgs{}
		if got, want := leadFilterSQL(flt, a), leadFilterSQL(neutral, b); got != want {
			t.Fatalf("%q: the statement depends on the input:\n%s\n%s", s, got, want)
		}
		if len(a.v) != len(b.v) {
			t.Fatalf("%q: %d parameters, %d for the neutral filter", s, len(a.v), len(b.v))
		}
	})
}
