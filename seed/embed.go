package seed

import "embed"

// data is the shipped dataset: the YAML files of seed/data and the texts
// they reference.
//
//go:embed data
var data embed.FS

// Dataset loads the shipped dataset, the curated seed set in seed/data.
func Dataset() (*Set, error) { return LoadFS(data, "data") }
