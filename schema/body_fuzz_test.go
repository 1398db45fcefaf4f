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
		`{"query":"query($from: ID!, $to: ID!) { path(from: $from, to: $to) { length } }","variables":{"from":"person/a","to":"org/b"}}`,
		`{"variables":{"limit":10,"x":-0.5e+3,"y":1E2,"b":true,"c":false,"n":null,"s":"Müller \"\n"},"query":"{ a }"}`,
		`{"query":"a","variables":{}}`,
		`{"query":"a","variables":null}`,
		`{"query":"a","variables":{"x":1,"x":2}}`,
		`{"query":"a","variables":{"x":01}}`,
		`{"query":"a","variables":{"x":1.}}`,
		`{"query":"a","variables":{"x":1e400}}`,
		`{"query":"a","variables":{"x":[1]}}`,
		`{"query":"a","variables":{"x":{"y":1}}}`,
		`{"query":"a","variables":[]}`,
		`{"query":"a","variables":{"x":1,}}`,
		`{"query":"a","variables":{"x":"\u00e9"}}`,
		`{"query":"\xff"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		trimmed := bytes.TrimLeft(body, " \t\r\n")
		got, ok := simpleBody(trimmed)
		if !ok {
			return
		}
		want, err := decodeJSON(body)
		if err != nil {
			t.Fatalf("fast path took %q, general path refused it: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast path %+v, general path %+v", body, got, want)
		}
	})
}

// TestSimpleBodyTakes checks which bodies decodeBody's fast path reads:
// the usual ones, variables included, and none that nest.
func TestSimpleBodyTakes(t *testing.T) {
	for body, want := range map[string]bool{
		`{"query":"{ a }"}`: true,
		`{"query":"query($from: ID!, $to: ID!) { path(from: $from, to: $to) { length } }","variables":{"from":"person/a","to":"org/b"}}`: true,
		`{"operationName":null,"variables":{"q":"Müller","limit":10,"all":true,"after":null},"query":"q"}`:                               true,
		`{"query":"q","variables":{}}`:             true,
		`{"query":"q","variables":null}`:           true,
		`{"query":"q","variables":{"x":[1]}}`:      false,
		`{"query":"q","variables":{"x":{}}}`:       false,
		`{"query":"q","variables":{"x":"\u00e9"}}`: false,
		`{"query":"q","variables":{"x":1e999}}`:    false,
		`{"query":"q","extensions":{}}`:            false,
		`{"variables":{"x":1}}`:                    false,
	} {
		if _, ok := simpleBody([]byte(body)); ok != want {
			t.Errorf("simpleBody(%s) took it: %v, want %v", body, ok, want)
		}
	}
}
