package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
	"github.com/stancegraph/stancegraph/seed"
)

// exportFormats are the formats of "stancegraph export" and GET
// /export/{format}, with their media type and file name over HTTP (csv and
// dgraph are zip archives there, directories on the command line).
func exportFormats() map[string]struct{ mediaType, file string } {
	return map[string]struct{ mediaType, file string }{
		"graphml": {"application/graphml+xml; charset=utf-8", "stancegraph.graphml"},
		"gexf":    {"application/gexf+xml; charset=utf-8", "stancegraph.gexf"},
		"csv":     {"application/zip", "stancegraph-csv.zip"},
		"jsonl":   {"application/x-ndjson; charset=utf-8", "stancegraph.jsonl"},
		"nquads":  {"application/n-quads; charset=utf-8", "stancegraph.nq"},
		"dgraph":  {"application/zip", "stancegraph-dgraph.zip"},
		"yaml":    {"application/yaml; charset=utf-8", "stancegraph.yaml"},
	}
}

const formatList = "graphml, gexf, csv, jsonl, nquads, dgraph or yaml"

// parseFilter reads comma-separated kinds and edge types.
func parseFilter(kinds, types []string, topic string) (export.Filter, error) {
	f := export.Filter{Topic: topic}
	for _, list := range kinds {
		for _, s := range strings.Split(list, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			k, err := graph.ParseKind(strings.ToUpper(s))
			if err != nil {
				return f, err
			}
			f.Kinds = append(f.Kinds, k)
		}
	}
	for _, list := range types {
		for _, s := range strings.Split(list, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			t := graph.EdgeType(strings.ToUpper(s))
			if !t.Valid() {
				return f, fmt.Errorf("%w: unknown edge type %q", graph.ErrInvalid, s)
			}
			f.EdgeTypes = append(f.EdgeTypes, t)
		}
	}
	return f, nil
}

// writeYAML writes the seed-format export, narrowed by f.
func writeYAML(ctx context.Context, st *graph.Store, f export.Filter, w io.Writer) error {
	if f.IsZero() {
		return seed.Export(ctx, st, w, nil)
	}
	sel, err := f.Select(ctx, st)
	if err != nil {
		return err
	}
	return seed.Export(ctx, st, w, sel)
}

// exportMemoryLimit is export's default soft heap limit in MiB. An export
// streams, and what it holds (the topology, Badger's caches) is under
// 100 MB for a 1M-edge graph; without a limit the collector let the heap
// grow to twice that, and the export of a 1M-edge graph peaked at 299 MiB
// RSS with the table pages it read (183 MiB once a scan releases them,
// 129 MiB with this limit).
const exportMemoryLimit = 100

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", "--format F [--out PATH] [--kinds K,...] [--edge-types T,...] [--topic ID] [flags]", stderr)
	var db dbFlags
	db.register(fs, false)
	format := fs.String("format", "", "export `format`: "+formatList)
	out := fs.String("out", "", "`path` to write: a file (default standard output), or for csv and dgraph a directory (required) that gets nodes.csv and edges.csv, or data.rdf and schema.txt")
	var kinds, types listFlag
	fs.Var(&kinds, "kinds", "export only nodes of these `kinds` (comma-separated, e.g. PERSON,ORGANIZATION); repeatable")
	fs.Var(&types, "edge-types", "export only edges of these `types` (comma-separated, e.g. HOLDS_OFFICE,MEMBER_OF); repeatable")
	topic := fs.String("topic", "", "export only this topic `id`, its subtopics, their stances, the stances' holders and cited documents")
	memLimit := memoryLimitFlag(fs, exportMemoryLimit)
	if err := fs.Parse(args); err != nil {
		return err
	}
	setMemoryLimit(*memLimit)
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("export takes no arguments, got %q", fs.Args())
	}
	if _, ok := exportFormats()[*format]; !ok {
		fs.Usage()
		return fmt.Errorf("export needs --format %s (got %q)", formatList, *format)
	}
	f, err := parseFilter(kinds, types, *topic)
	if err != nil {
		return err
	}
	if (*format == "csv" || *format == "dgraph") && *out == "" {
		return fmt.Errorf("--format %s writes two files: give a directory with --out", *format)
	}
	st, err := db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	if err != nil {
		return err
	}
	defer st.Close()

	switch *format {
	case "csv":
		err = writeDir(*out, []string{"nodes.csv", "edges.csv"}, func(files map[string]io.Writer) error {
			return export.WriteCSV(ctx, st, f, files["nodes.csv"], files["edges.csv"])
		})
	case "dgraph":
		err = writeDir(*out, []string{"data.rdf", "schema.txt"}, func(files map[string]io.Writer) error {
			if err := export.Write(ctx, st, "dgraph", f, files["data.rdf"]); err != nil {
				return err
			}
			_, err := io.WriteString(files["schema.txt"], export.DgraphSchema())
			return err
		})
	default:
		write := func(w io.Writer) error {
			if *format == "yaml" {
				return writeYAML(ctx, st, f, w)
			}
			return export.Write(ctx, st, *format, f, w)
		}
		if *out == "" || *out == "-" {
			return write(stdout)
		}
		err = writeFile(*out, write)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %s to %s\n", *format, *out)
	return nil
}

// writeFile writes through a temporary file renamed into place, so a failed
// export never leaves a partial file behind.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stancegraph-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeDir creates dir and writes the named files in it at once, each
// through a temporary file renamed into place when all succeeded.
func writeDir(dir string, names []string, write func(map[string]io.Writer) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string]io.Writer{}
	tmps := map[string]*os.File{}
	defer func() {
		for _, t := range tmps {
			t.Close()
			os.Remove(t.Name())
		}
	}()
	for _, name := range names {
		t, err := os.CreateTemp(dir, ".stancegraph-export-*")
		if err != nil {
			return err
		}
		tmps[name], files[name] = t, t
	}
	if err := write(files); err != nil {
		return err
	}
	for name, t := range tmps {
		if err := t.Close(); err != nil {
			return err
		}
		if err := os.Rename(t.Name(), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// maxExports bounds the exports a server runs at once: each reads the
// whole graph.
const maxExports = 2

// exportHandler serves GET /export/{format}: the graph streamed in one of
// the export formats (csv and dgraph as zip archives of their two files),
// narrowed by the query parameters kinds, edgeTypes (comma-separated) and
// topic. An unknown format is 404, a bad filter 400, a missing topic 404,
// and more than maxExports exports at once 503. The export stops when the
// client goes away; an error after the first byte aborts the connection,
// so the client sees a truncated transfer rather than a complete-looking
// file.
func exportHandler(st *graph.Store, log zerolog.Logger) http.Handler {
	slots := make(chan struct{}, maxExports)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := r.PathValue("format")
		if format == "" {
			format = strings.TrimPrefix(r.URL.Path, "/export/")
		}
		info, ok := exportFormats()[format]
		if !ok {
			http.Error(w, fmt.Sprintf("unknown export format %q (want %s)", format, formatList), http.StatusNotFound)
			return
		}
		q := r.URL.Query()
		f, err := parseFilter(q["kinds"], q["edgeTypes"], q.Get("topic"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if f.Topic != "" {
			n, err := st.Node(r.Context(), f.Topic)
			switch {
			case errors.Is(err, graph.ErrNotFound) || errors.Is(err, graph.ErrInvalid):
				http.Error(w, fmt.Sprintf("no topic %q", f.Topic), http.StatusNotFound)
				return
			case err != nil:
				log.Error().Err(err).Msg("export: look up topic")
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			case n.Kind != graph.KindTopic:
				http.Error(w, fmt.Sprintf("%s is not a topic", f.Topic), http.StatusBadRequest)
				return
			}
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			w.Header().Set("Retry-After", "10")
			http.Error(w, "too many exports at once; try again shortly", http.StatusServiceUnavailable)
			return
		}
		// A big export outlasts the server's write timeout; allow it a
		// generous one of its own.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Minute))
		h := w.Header()
		h.Set("Content-Type", info.mediaType)
		h.Set("Content-Disposition", `attachment; filename="`+info.file+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")

		ctx := r.Context()
		switch format {
		case "csv":
			err = writeZip(w, []string{"nodes.csv", "edges.csv"}, func(files []io.Writer) error {
				return export.WriteCSV(ctx, st, f, files[0], files[1])
			})
		case "dgraph":
			err = writeZip(w, []string{"data.rdf", "schema.txt"}, func(files []io.Writer) error {
				if err := export.Write(ctx, st, "dgraph", f, files[0]); err != nil {
					return err
				}
				_, err := io.WriteString(files[1], export.DgraphSchema())
				return err
			})
		case "yaml":
			err = writeYAML(ctx, st, f, w)
		default:
			err = export.Write(ctx, st, format, f, w)
		}
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			log.Info().Str("format", format).Msg("export: the client went away")
			return
		}
		log.Error().Err(err).Str("format", format).Msg("export failed")
		panic(http.ErrAbortHandler)
	})
}

// writeZip streams a zip archive of the named files; write writes them in
// order, so each entry opens on the first write to it and closes the one
// before.
func writeZip(w io.Writer, names []string, write func([]io.Writer) error) error {
	zw := zip.NewWriter(w)
	files := make([]io.Writer, len(names))
	for i, name := range names {
		files[i] = &zipEntry{zw: zw, name: name}
	}
	if err := write(files); err != nil {
		return err
	}
	for _, f := range files {
		if err := f.(*zipEntry).open(); err != nil { // entries nothing was written to
			return err
		}
	}
	return zw.Close()
}

// zipEntry creates its zip entry on the first write.
type zipEntry struct {
	zw   *zip.Writer
	name string
	w    io.Writer
}

func (z *zipEntry) open() error {
	if z.w != nil {
		return nil
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: z.name, Method: zip.Deflate, Modified: time.Now().UTC()})
	z.w = w
	return err
}

func (z *zipEntry) Write(p []byte) (int, error) {
	if err := z.open(); err != nil {
		return 0, err
	}
	return z.w.Write(p)
}
