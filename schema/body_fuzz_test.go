package schema

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzSimpleBody checks that decodeBody's fast path reads a body exactly
// as the general path does whenever it takes it.
func FuzzSimpleBody(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ stats { nodes } }"}`,
		` { "query" : "{ a }" , "operationName" : null } `,
		`{"operationName":"A","query":"query A { b }"}`,
		`{"query":"{ person(id: \"person/jd-vance\") { name } }"}`,
		`{"query":"a\\b\/c\n\t\r\b\f"}`,
		`{"query":"\u0041"}`,
		`{"query":""}`,
		`{"query":null}`,
		`{"query":"a","query":"b"}`,
		`{"Query":"a"}`,
		`{"query":"a"}}`,
		`{"query":"a"} {}`,
		`{"query":"a","variables":{"x":1}}`,
		`{"query":"é"}`,
		`{"query":"a","operationName":nul}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		trimmed := bytes.TrimLeft(body, " \t\r\n")
		q, op, ok := simpleBody(trimmed)
		if !ok {
			return
		}
		want, err := decodeJSON(body)
		if err != nil {
			t.Fatalf("fast path took %q, general path refused it: %v", body, err)
		}
		if got := (Request{Query: q, OperationName: op}); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast path %+v, general path %+v", body, got, want)
		}
	})
}
