package graph

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2/z"
	"github.com/rs/zerolog"
)

// Options configures a Store. The zero value opens a durable on-disk store
// tuned for a small server.
type Options struct {
	// InMemory keeps everything in memory; dir is ignored. For tests.
	InMemory bool
	// Logger receives the store's own logs and Badger's warnings and
	// errors. The zero Logger discards them.
	Logger zerolog.Logger
	// NoSync skips the fsync on commit: faster, but a machine crash may
	// lose the last writes (a process crash does not).
	NoSync bool
	// MemTableSize, BlockCacheSize and IndexCacheSize size Badger's caches
	// in bytes; 0 picks the small-server defaults documented in doc.go.
	MemTableSize   int64
	BlockCacheSize int64
	IndexCacheSize int64
	// CheckTables reads every block of every table at Open and checks its
	// checksum even after a clean Close (Open always does after a crash).
	CheckTables bool
	// AcceptLoss opens a database that holds fewer commits than its
	// commit record says were acknowledged (ErrLost), keeping what is
	// left, and resets the record. Without it Open refuses such a database.
	AcceptLoss bool
	// GCInterval is how often the value log is garbage-collected; 0 means
	// every 10 minutes, a negative value never.
	GCInterval time.Duration
	// MinFreeBytes is the free disk space kept in reserve: Apply (and
	// Restore) fail with ErrNoSpace, writing nothing, when the disk holding
	// the database has less free space than this plus an estimate of what
	// the write needs. Badger, which maps its files into memory, crashes
	// the process with SIGBUS when a mapped file cannot grow on a full
	// disk; the reserve keeps room for the writes it does on its own
	// (value-log, memtable and compaction files). 0 means 256 MiB for an
	// on-disk store (see defaultMinFreeBytes), a negative value turns the
	// check off; an in-memory store never checks.
	MinFreeBytes int64
}

// Small-server defaults (see doc.go).
const (
	defaultMemTableSize   = 16 << 20
	defaultBlockCacheSize = 32 << 20
	defaultIndexCacheSize = 16 << 20
	defaultVlogFileSize   = 128 << 20
	defaultGCInterval     = 10 * time.Minute
)

// Store is the property graph on an embedded Badger database. It is safe
// for concurrent use: writers are serialized, readers see a consistent
// snapshot.
type Store struct {
	db    *badger.DB
	log   zerolog.Logger
	space reserve // free disk space to keep

	wmu sync.Mutex // serializes Apply, Restore and Close

	mu     sync.RWMutex // guards the fields below; held for writing while a commit becomes visible
	gen    *generation
	mem    *mem
	closed bool
	seq    uint64            // commits so far; written under wmu and mu
	stamps map[string][]byte // origin stamps; replaced under wmu and mu
	seqf   *seqFile          // the commit record outside Badger; nil in memory
	dir    string            // the database directory; "" in memory
	// unmap releases the snapshot mapping that mem's lists and id index
	// live in (see viewLists, loadIDIndex), at Close; nil when none was.
	// Nothing reads mem once closed is set.
	unmap func()

	stop  chan struct{}
	bg    sync.WaitGroup // the value-log GC loop
	drops sync.WaitGroup // dropping old generations
	epoch int            // changes on Restore; guarded by wmu
}

// generation is one complete copy of the data under a key prefix. Readers
// register with it so that an old generation is dropped only after its last
// reader is done.
type generation struct {
	id      uint32
	readers sync.WaitGroup
}

// Open opens (or creates) the store in dir. A damaged database directory
// gives an error wrapping ErrCorrupt that names the damage and says how to
// restore; a directory held by another process gives ErrLocked.
func Open(dir string, opts Options) (*Store, error) {
	memtable := orDefault(opts.MemTableSize, defaultMemTableSize)
	bo := badgerOptions(dir, opts)
	var topo *pendingTopology
	defer func() { topo.discard() }() // unless load took it
	if !opts.InMemory {
		clean := hasTopology(dir) // only a clean Close leaves a snapshot
		if clean {
			topo = readTopologyAsync(dir) // decoded while the files are checked and Badger opens
		}
		err := prepareDir(dir, bo, opts.Logger, opts.CheckTables || !clean)
		if topo != nil {
			topo.own(err == nil)
		}
		if err != nil {
			return nil, err
		}
	}
	db, err := openBadger(bo)
	if err != nil {
		return nil, openError(dir, err)
	}
	s := &Store{db: db, log: opts.Logger, stop: make(chan struct{}), space: newReserve(dir, opts, memtable)}
	if !opts.InMemory {
		s.dir = dir
	}
	if err := s.load(topo); err != nil {
		db.Close()
		s.releaseMapping()
		if errors.Is(err, ErrCorrupt) && !opts.InMemory {
			return nil, damaged(dir, "%v", err)
		}
		return nil, err
	}
	if !opts.InMemory {
		if err := s.checkSeq(dir, opts); err != nil {
			db.Close()
			s.releaseMapping()
			return nil, err
		}
		// Say who holds the database, for the next process that tries.
		me := fmt.Sprintf("%d %s", os.Getpid(), strings.Join(os.Args, " "))
		if err := os.WriteFile(filepath.Join(dir, holderFile), []byte(me), 0o644); err != nil {
			opts.Logger.Warn().Err(err).Msg("write the holder file")
		}
	}
	if interval := opts.GCInterval; interval >= 0 && !opts.InMemory {
		if interval == 0 {
			interval = defaultGCInterval
		}
		s.bg.Add(1)
		go s.gcLoop(interval)
	}
	return s, nil
}

// badgerOptions are the Badger options Open uses for dir and opts.
func badgerOptions(dir string, opts Options) badger.Options {
	memtable := orDefault(opts.MemTableSize, defaultMemTableSize)
	// Badger refuses a value threshold above its largest batch (15% of a
	// memtable); values above the threshold go to the value log.
	threshold := min(int64(1<<20), memtable*15/100/2)
	bo := badger.DefaultOptions(dir).
		WithInMemory(opts.InMemory).
		WithLogger(badgerLogger{opts.Logger}).
		WithSyncWrites(!opts.NoSync).
		WithMemTableSize(memtable).
		WithValueThreshold(threshold).
		WithBlockCacheSize(orDefault(opts.BlockCacheSize, defaultBlockCacheSize)).
		WithIndexCacheSize(orDefault(opts.IndexCacheSize, defaultIndexCacheSize)).
		WithValueLogFileSize(defaultVlogFileSize).
		WithNumMemtables(2).
		// StreamWriter builds tables of 32x this, 4 MB, and holds about
		// twice a table per builder on the Go heap, with several builders
		// in flight. With 16 MB tables they held 0.3 GB during a 1M-edge
		// load, which left the collector, under the seed's heap limit,
		// running back to back.
		WithBaseTableSize(128 << 10).
		WithNumCompactors(2).
		WithMetricsEnabled(false).
		WithChecksumVerificationMode(options.OnBlockRead) // a damaged block is an error, not wrong data
	if opts.InMemory {
		bo.Dir, bo.ValueDir = "", ""
	}
	return bo
}

// openBadger opens the Badger database, turning a panic inside Badger's
// Open into an error. Badger releases its directory lock on the way out.
func openBadger(bo badger.Options) (db *badger.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("badger panicked: %s", firstLine(r))
		}
	}()
	return badger.Open(bo)
}

// openError says why Badger could not open dir. Badger flattens the errors
// it wraps into text, so the cause is read from the text.
func openError(dir string, err error) error {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ") // errors.Join separates with newlines
	has := func(errs ...syscall.Errno) bool {
		for _, e := range errs {
			if errors.Is(err, e) || strings.Contains(msg, e.Error()) {
				return true
			}
		}
		return false
	}
	switch {
	case dir == "":
		return fmt.Errorf("open in-memory badger database: %w", err)
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return fmt.Errorf("open %q: %w (%s)", dir, ErrLocked, holder(dir))
	case has(syscall.ENOSPC, syscall.EDQUOT):
		return fmt.Errorf("open %q: %w: %s", dir, ErrNoSpace, msg)
	case has(syscall.EACCES, syscall.EPERM, syscall.EROFS):
		return fmt.Errorf("open %q: %w: %s; the database directory and its files must be readable and writable by this user", dir, fs.ErrPermission, msg)
	case has(syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM):
		return fmt.Errorf("open badger database in %q: %w", dir, err)
	}
	return damaged(dir, "%s", msg)
}

// pathError is the error for a failed look at the database directory
// itself: a permission problem says what to fix.
func pathError(dir string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return openError(dir, err)
	}
	return fmt.Errorf("open %q: %w", dir, err)
}

// damaged is the error for a database directory whose files are damaged:
// it wraps ErrCorrupt and says how to get the data back.
func damaged(dir, format string, args ...any) error {
	return fmt.Errorf("open %q: %w: %s; the database files are damaged: move the directory aside and restore from a backup with `stancegraph restore --db %s FILE`",
		dir, ErrCorrupt, fmt.Sprintf(format, args...), dir)
}

// firstLine is the first non-empty line of a panic value, shortened.
func firstLine(v any) string {
	for l := range strings.Lines(fmt.Sprint(v)) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "==") {
			if len(l) > 200 {
				l = l[:200] + "..."
			}
			return l
		}
	}
	return "no message"
}

// prepareDir readies an existing database directory for Badger while
// holding the directory's lock: it removes what a crash may leave behind
// and checks the files that Badger would crash on or silently drop when
// damaged. A missing directory is left for Badger to create.
//
// With deep, every block of every table is read and its checksum checked;
// Open asks for it unless the last Close was clean (a topology snapshot is
// there): after a crash, or for a directory of unknown history. Otherwise
// each table's footer and index are read and the index checked against
// its checksum, and the first and last blocks are read too of the tables
// that changed since the last clean Close (see tablesFileName); Badger
// checks every other block's checksum when it first reads it.
func prepareDir(dir string, bo badger.Options, log zerolog.Logger, deep bool) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return pathError(dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("open %q: %w: it is a file, not a database directory", dir, ErrInvalid)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	if err := removeEmptyMemtables(dir, log); err != nil {
		return err
	}
	return checkFiles(dir, bo, deep)
}

// lockDir takes the lock that Badger takes on dir (flock on the directory)
// for as long as Open checks the files, so that no other process changes
// them meanwhile. Badger takes the lock again after unlock.
func lockDir(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, pathError(dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("open %q: %w (%s)", dir, ErrLocked, holder(dir))
		}
		return nil, fmt.Errorf("open %q: lock the database directory: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

// checkFiles checks Badger's MANIFEST and every table it lists. Badger
// deletes the tables a MANIFEST does not list, skips a table whose index
// fails its checksum, and crashes the process (in a goroutine of its own,
// where no recover reaches) on a table whose footer points outside the
// file; a damaged MANIFEST or table would lose data without a word or
// kill the process. A clean MANIFEST that misses tables written just
// before a crash is normal: Badger deletes them and replays the
// write-ahead log.
func checkFiles(dir string, bo badger.Options, deep bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return pathError(dir, err)
	}
	onDisk := map[uint64]string{}
	for _, e := range entries {
		if id, ok := table.ParseFileID(e.Name()); ok && e.Type().IsRegular() {
			onDisk[id] = e.Name()
		}
	}
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if errors.Is(err, fs.ErrNotExist) {
		if len(onDisk) > 0 {
			return damaged(dir, "the MANIFEST file is missing and %d table files are not listed anywhere (Badger would delete them)", len(onDisk))
		}
		return nil
	}
	if err != nil {
		return pathError(dir, err)
	}
	defer f.Close()
	m, end, err := badger.ReplayManifestFile(f, bo.ExternalMagicVersion, bo)
	if err != nil {
		return damaged(dir, "MANIFEST: %v", err)
	}
	ids := slices.Sorted(maps.Keys(m.Tables))
	for _, id := range ids {
		if _, ok := onDisk[id]; !ok {
			return damaged(dir, "table %s listed in the MANIFEST is missing", filepath.Base(table.NewFilename(id, dir)))
		}
	}
	if info, err := f.Stat(); err == nil && end < info.Size() {
		var unlisted []string
		for id, name := range onDisk {
			if _, ok := m.Tables[id]; !ok {
				unlisted = append(unlisted, name)
			}
		}
		if len(unlisted) > 0 {
			slices.Sort(unlisted)
			return damaged(dir, "the MANIFEST ends in a partial record (at byte %d of %d) and %d table files (%s) are not listed in it (Badger would delete them)",
				end, info.Size(), len(unlisted), strings.Join(unlisted, ", "))
		}
	}
	// Tables are checked on all CPUs; the first damaged one in id order is
	// reported.
	var recorded map[string]tableStamp
	if !deep {
		recorded = readTables(dir)
	}
	errs := make([]error, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ids)) {
		wg.Go(func() {
			var buf []byte
			for i := int(next.Add(1) - 1); i < len(ids); i = int(next.Add(1) - 1) {
				path, tm := filepath.Join(dir, onDisk[ids[i]]), m.Tables[ids[i]]
				if tm.KeyID == 0 && unchanged(recorded, path) {
					errs[i] = checkIndex(path, &buf)
				} else {
					errs[i] = checkTable(path, tm, deep)
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			continue
		}
		if errors.Is(err, fs.ErrPermission) {
			return openError(dir, err)
		}
		return damaged(dir, "table %s: %v", onDisk[ids[i]], err)
	}
	return nil
}

// checkTable opens a table with Badger's own reader and verifies the
// checksums of its index and of every block. Badger panics on some damage;
// here the panic is in this goroutine and becomes an error.
func checkTable(path string, tm badger.TableManifest, deep bool) (err error) {
	if tm.KeyID != 0 {
		return nil // encrypted: Badger checks it with the key
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Size() < 8 {
		return fmt.Errorf("truncated to %d bytes", info.Size())
	}
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable (truncated or overwritten): %s", firstLine(r))
		}
		mf.Close(-1)
	}()
	// Without checksum verification OpenTable never closes mf itself, so
	// the deferred Close is the only one.
	t, err := table.OpenTable(mf, table.Options{ReadOnly: true, BlockSize: tableBlockSize, Compression: tm.Compression, ChkMode: options.NoVerification})
	if err != nil || !deep {
		return err
	}
	return t.VerifyChecksum()
}

// tableBlockSize is Badger's default block size, which its reader uses to size
// buffers when decompressing.
const tableBlockSize = 4 << 10

// holderFile names, inside the database directory, the process that has
// the database open: its pid and command line.
const holderFile = "stancegraph.holder"

// holder describes the process recorded as holding the database in dir.
func holder(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, holderFile))
	if err != nil || len(b) == 0 {
		return "holder unknown"
	}
	pid, cmd, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	return fmt.Sprintf("held by process %s: %s", pid, cmd)
}

// removeEmptyMemtables deletes zero-byte memtable files from dir. Badger
// creates a memtable's write-ahead file and then sizes it; a process killed
// between the two leaves an empty .mem file, which holds no writes but
// makes Badger refuse to open ("while opening fid: N err: Create a new
// file"). Found by TestCrashKeepsAcknowledgedBatches.
func removeEmptyMemtables(dir string, log zerolog.Logger) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database directory %q: %w", dir, err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".mem") || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("remove empty memtable file left by a crash: %w", err)
		}
		log.Warn().Str("file", path).Msg("removed an empty memtable file left by a crash")
	}
	return nil
}

func orDefault(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}

// load reads the live generation, drops generations left over from an
// interrupted staged batch, and builds the in-memory topology: from the
// snapshot a clean Close wrote (decoded by the time it arrives on
// snapshot) if it matches, else from the keys.
func (s *Store) load(snapshot *pendingTopology) error {
	gen := uint32(1)
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKeyGen)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 4 || binary.BigEndian.Uint32(v) == metaGen {
				return fmt.Errorf("%w: bad generation pointer", ErrCorrupt)
			}
			gen = binary.BigEndian.Uint32(v)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("read generation: %w", err)
	}
	if err := s.dropStaleGenerations(gen); err != nil {
		return err
	}
	if err := s.loadMeta(); err != nil {
		return err
	}
	if err := s.migratePostings(context.Background(), keyspace{gen}); err != nil {
		return err
	}
	var m *mem
	if s.dir != "" {
		removed := false
		if snapshot != nil {
			f := snapshot.wait()
			var err error
			m, err = f.match(s.seq, gen)
			removed = f.removed
			switch {
			case err == nil:
				s.unmap = f.release
			case errors.Is(err, errStaleTopology), errors.Is(err, fs.ErrNotExist):
				s.log.Debug().Err(err).Msg("topology snapshot not used")
			default:
				s.log.Warn().Err(err).Msg("topology snapshot not used")
			}
			if err != nil {
				f.free()
			}
		}
		// A snapshot serves one open: the next one after a crash, or a
		// restore, must not find it.
		if !removed {
			if err := removeTopology(s.dir); err != nil {
				return fmt.Errorf("remove the topology snapshot: %w", err)
			}
		}
	}
	if m == nil {
		var err error
		if m, err = buildMem(s.db, keyspace{gen}); err != nil {
			return err
		}
	}
	s.gen, s.mem = &generation{id: gen}, m
	return nil
}

// dropStaleGenerations deletes every generation but the live one and the
// meta generation.
func (s *Store) dropStaleGenerations(live uint32) error {
	var stale []uint32
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Seek(genPrefix(metaGen + 1)); it.Valid(); {
			k := it.Item().Key()
			if len(k) < 4 {
				return fmt.Errorf("%w: short key", ErrCorrupt)
			}
			g := binary.BigEndian.Uint32(k)
			if g != live {
				stale = append(stale, g)
			}
			if g == ^uint32(0) {
				break
			}
			it.Seek(genPrefix(g + 1))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan generations: %w", err)
	}
	for _, g := range stale {
		s.log.Warn().Uint32("generation", g).Msg("dropping data of an interrupted batch")
		if err := s.db.DropPrefix(genPrefix(g)); err != nil {
			return fmt.Errorf("drop stale generation %d: %w", g, err)
		}
	}
	return nil
}

// buildMem scans the nodes (their keys and names) and the edge keys of a
// generation.
func buildMem(db *badger.DB, ks keyspace) (*mem, error) {
	m := newMem()
	err := db.View(func(txn *badger.Txn) error {
		if err := scanNodes(txn, ks, m); err != nil {
			return err
		}
		if err := m.reindex(); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		es := m.newEdgeSet()
		if err := scanKeys(txn, ks.prefix(famOut), func(k []byte) error {
			t, from, to, err := ks.parseEdge(k, famOut)
			if err != nil {
				return err
			}
			fi, ok1 := m.lookup(from)
			ti, ok2 := m.lookup(to)
			if !ok1 || !ok2 {
				return fmt.Errorf("%w: edge %s has a missing endpoint", ErrCorrupt, EdgeID(t, from, to))
			}
			es.put(t, fi, ti)
			return nil
		}); err != nil {
			return err
		}
		es.flush()
		it := txn.NewIterator(badger.IteratorOptions{Prefix: ks.prefix(famTextLen)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				if len(v) != 4 {
					return fmt.Errorf("%w: text length value", ErrCorrupt)
				}
				m.textDocs++
				m.textLen += uint64(binary.BigEndian.Uint32(v))
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load graph topology: %w", err)
	}
	return m, nil
}

// scanNodes appends every node of the generation to m, and packs their
// names.
func scanNodes(txn *badger.Txn, ks keyspace, m *mem) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: ks.prefix(famNode)})
	defer it.Close()
	var names []string
	for it.Rewind(); it.Valid(); it.Next() {
		id, err := ks.parseNode(it.Item().Key())
		if err != nil {
			return err
		}
		kind, err := KindOf(id)
		if err != nil {
			return fmt.Errorf("%w: stored id %q: %v", ErrCorrupt, id, err)
		}
		var name string
		if err := it.Item().Value(func(v []byte) (err error) {
			name, err = decodeNodeName(v)
			return err
		}); err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		m.appendNode(id, kind)
		names = append(names, name)
	}
	m.names = packNames(names)
	return nil
}

func scanKeys(txn *badger.Txn, prefix []byte, fn func(k []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := fn(it.Item().Key()); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) gcLoop(every time.Duration) {
	defer s.bg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			for s.gcOnce() {
				select {
				case <-s.stop:
					return
				default:
				}
			}
		}
	}
}

// gcOnce runs one value-log GC pass and reports whether it rewrote a file.
// It holds the read lock so that it never overlaps a streamed load.
func (s *Store) gcOnce() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return !s.closed && s.db.RunValueLogGC(0.5) == nil
}

// Close waits for running writes and readers, stops background work and
// closes the database.
func (s *Store) Close() error {
	s.wmu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wmu.Unlock()
		return ErrClosed
	}
	s.closed = true
	g := s.gen
	s.mu.Unlock()
	s.wmu.Unlock() // pending drops take it, see that the store is closed, and stop
	close(s.stop)
	g.readers.Wait()
	s.bg.Wait()
	s.drops.Wait()
	defer s.releaseMapping() // after the snapshot below is written from mem
	if s.seqf != nil {
		if err := s.seqf.f.Close(); err != nil {
			s.log.Error().Err(err).Msg("close the commit sequence file")
		}
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close badger database: %w", err)
	}
	// Only a Close that got this far leaves a snapshot, which also tells
	// the next Open that the shutdown was clean. No writer can run any
	// more (closed is set and wmu was free).
	if s.dir != "" {
		if err := writeTables(s.dir); err != nil {
			s.log.Warn().Err(err).Msg("record the table files; the next open reads every table's end blocks")
		}
		if err := s.writeTopology(s.dir); err != nil {
			s.log.Warn().Err(err).Msg("write the topology snapshot; the next open scans the keys instead")
		}
	}
	return nil
}

// releaseMapping unmaps the snapshot that mem's lists and id index were
// loaded into. Nothing may read mem after: the store is closed, or was
// never opened.
func (s *Store) releaseMapping() {
	if s.unmap != nil {
		s.unmap()
		s.unmap = nil
	}
}

// view is a read-only snapshot: a Badger transaction on the live
// generation, and, for readers that asked for it, the in-memory topology
// that matches the snapshot.
type view struct {
	ctx  context.Context
	db   *badger.DB
	once sync.Once
	txn  *badger.Txn // Badger's snapshot, begun by the first tx
	ks   keyspace
	mem  *mem // nil unless the reader asked for it
}

// tx returns the view's Badger transaction, beginning it on first use: a
// walk that reads only the in-memory topology begins none (each costs two
// messages to Badger's watermark goroutine, and the wake-ups they cause).
// It is safe to call from goroutines fn starts.
func (v *view) tx() *badger.Txn {
	v.once.Do(func() { v.txn = v.db.NewTransaction(false) })
	return v.txn
}

// read runs fn on a snapshot. With withMem, Store.mu stays read-locked
// while fn runs so that mem cannot change under it, and Badger's
// transaction begins only if fn reads from Badger (view.tx); without,
// only the generation is pinned and writers go on.
func (s *Store) read(ctx context.Context, withMem bool, fn func(v *view) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	g := s.gen
	v := &view{ctx: ctx, db: s.db, ks: keyspace{g.id}}
	defer func() {
		if v.txn != nil {
			v.txn.Discard()
		}
	}()
	if withMem {
		v.mem = s.mem
		defer s.mu.RUnlock()
	} else {
		// Without the lock, the snapshot is taken now, as the read
		// begins; with it, nothing changes until fn returns.
		v.tx()
		g.readers.Add(1)
		defer g.readers.Done()
		s.mu.RUnlock()
	}
	return fn(v)
}

func (v *view) node(id string) (*Node, error) {
	item, err := v.tx().Get(v.ks.node(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("node %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read node %s: %w", id, err)
	}
	n := new(Node)
	if err := item.Value(func(b []byte) error { return decodeNode(b, n) }); err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	return n, nil
}

func (v *view) edge(t EdgeType, from, to string) (*Edge, error) {
	item, err := v.tx().Get(v.ks.out(t, from, to))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("edge %s: %w", EdgeID(t, from, to), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read edge %s: %w", EdgeID(t, from, to), err)
	}
	e := &Edge{Type: t, From: from, To: to}
	if err := item.Value(func(b []byte) error { return decodeEdge(b, e) }); err != nil {
		return nil, fmt.Errorf("edge %s: %w", e.ID(), err)
	}
	return e, nil
}

// Node returns the node with the id, or an error wrapping ErrNotFound.
func (s *Store) Node(ctx context.Context, id string) (Node, error) {
	var n *Node
	err := s.read(ctx, false, func(v *view) (err error) {
		n, err = v.node(id)
		return err
	})
	if err != nil {
		return Node{}, err
	}
	return *n, nil
}

// Nodes returns the nodes with the ids, in the same order; a missing node
// is nil.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]*Node, error) {
	out := make([]*Node, len(ids))
	err := s.read(ctx, false, func(v *view) error {
		for i, id := range ids {
			n, err := v.node(id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[i] = n
		}
		return nil
	})
	return out, err
}

// Has reports whether a node with the id exists.
func (s *Store) Has(ctx context.Context, id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return false // mem may live in a snapshot mapping that Close released
	}
	_, ok := s.mem.lookup(id)
	return ok
}

// NodesByKind lists the nodes of a kind in id order.
func (s *Store) NodesByKind(ctx context.Context, k Kind, p Page) (NodePage, error) {
	if !k.Valid() {
		return NodePage{}, invalidf("unknown node kind %d", k)
	}
	after, err := decodeCursor(p.After)
	if err != nil {
		return NodePage{}, err
	}
	var page NodePage
	err = s.read(ctx, true, func(v *view) error {
		page.Total = v.mem.byKind[k]
		prefix := v.ks.nodesOfKind(k)
		it := v.tx().NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: min(max(p.First, 1), 100)})
		defer it.Close()
		start := prefix
		if after != "" {
			start = append(v.ks.node(after), 0) // just past the cursor's key
		}
		for it.Seek(start); it.Valid(); it.Next() {
			if len(page.Nodes) == p.First {
				page.HasNext = true
				break
			}
			n := Node{}
			if err := it.Item().Value(func(b []byte) error { return decodeNode(b, &n) }); err != nil {
				return err
			}
			page.Nodes = append(page.Nodes, n)
		}
		return nil
	})
	if len(page.Nodes) > 0 {
		page.EndCursor = encodeCursor(page.Nodes[len(page.Nodes)-1].ID)
	}
	return page, err
}

// Edge returns the edge with the identity, or an error wrapping ErrNotFound.
func (s *Store) Edge(ctx context.Context, t EdgeType, from, to string) (Edge, error) {
	var e *Edge
	err := s.read(ctx, false, func(v *view) (err error) {
		e, err = v.edge(t, from, to)
		return err
	})
	if err != nil {
		return Edge{}, err
	}
	return *e, nil
}

// Edges returns the edges at node id in the direction, of the given types
// (all when empty), active at asOf (all when zero): outgoing edges first,
// each group ordered by type, then the other end's id.
func (s *Store) Edges(ctx context.Context, id string, dir Direction, types []EdgeType, asOf Date) ([]Edge, error) {
	if dir == 0 {
		dir = Both
	}
	var out []Edge
	err := s.read(ctx, false, func(v *view) error {
		keep := func(e *Edge) {
			if e.ActiveAt(asOf) {
				out = append(out, *e)
			}
		}
		prefixes := func(base func(string) []byte, typed func(string, EdgeType) []byte) [][]byte {
			if len(types) == 0 {
				return [][]byte{base(id)}
			}
			ps := make([][]byte, 0, len(types))
			for _, t := range sortedTypes(types) {
				ps = append(ps, typed(id, t))
			}
			return ps
		}
		if dir&Out != 0 {
			for _, p := range prefixes(v.ks.outOf, v.ks.outOfType) {
				it := v.tx().NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 64})
				for it.Rewind(); it.Valid(); it.Next() {
					t, from, to, err := v.ks.parseEdge(it.Item().Key(), famOut)
					if err != nil {
						it.Close()
						return fmt.Errorf("%w: %v", ErrCorrupt, err)
					}
					e := &Edge{Type: t, From: from, To: to}
					if err := it.Item().Value(func(b []byte) error { return decodeEdge(b, e) }); err != nil {
						it.Close()
						return err
					}
					keep(e)
				}
				it.Close()
			}
		}
		if dir&In != 0 {
			for _, p := range prefixes(v.ks.inOf, v.ks.inOfType) {
				var keys [][3]string
				if err := scanKeys(v.tx(), p, func(k []byte) error {
					t, from, to, err := v.ks.parseEdge(k, famIn)
					keys = append(keys, [3]string{string(t), from, to})
					return err
				}); err != nil {
					return fmt.Errorf("%w: %v", ErrCorrupt, err)
				}
				for _, k := range keys {
					e, err := v.edge(EdgeType(k[0]), k[1], k[2])
					if err != nil {
						return fmt.Errorf("%w: in-index names a missing edge: %v", ErrCorrupt, err)
					}
					keep(e)
				}
			}
		}
		return nil
	})
	return out, err
}

func sortedTypes(ts []EdgeType) []EdgeType {
	out := slices.Clone(ts)
	slices.Sort(out)
	return slices.Compact(out)
}

// Counts returns the number of nodes per kind and edges per type.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c := Counts{ByKind: map[Kind]int{}, ByEdgeType: map[EdgeType]int{}}
	err := s.read(ctx, true, func(v *view) error {
		for _, k := range Kinds() {
			if n := v.mem.byKind[k]; n > 0 {
				c.ByKind[k] = n
				c.Nodes += n
			}
		}
		for t, n := range v.mem.byType {
			c.ByEdgeType[t] = n
		}
		c.Edges = v.mem.edges
		return nil
	})
	return c, err
}

// ForEachNode calls fn for every node in id order, from one snapshot.
// Writers are not blocked while it runs.
func (s *Store) ForEachNode(ctx context.Context, fn func(*Node) error) error {
	return s.read(ctx, false, func(v *view) error {
		it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(famNode), PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		i, read := 0, int64(0)
		for it.Rewind(); it.Valid(); it.Next() {
			if i++; i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if read += it.Item().EstimatedSize(); read > scanRelease {
				s.releaseTablePages()
				read = 0
			}
			n := new(Node)
			if err := it.Item().Value(func(b []byte) error { return decodeNode(b, n) }); err != nil {
				return err
			}
			if err := fn(n); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanRelease is how many bytes of keys and values a full scan reads
// between two releases of the table pages it has read (releaseTablePages).
const scanRelease = 16 << 20

// ForEachEdge calls fn for every edge in (from, type, to) order, from one
// snapshot. Writers are not blocked while it runs.
func (s *Store) ForEachEdge(ctx context.Context, fn func(*Edge) error) error {
	return s.read(ctx, false, func(v *view) error {
		it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(famOut), PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		i, read := 0, int64(0)
		for it.Rewind(); it.Valid(); it.Next() {
			if i++; i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if read += it.Item().EstimatedSize(); read > scanRelease {
				s.releaseTablePages()
				read = 0
			}
			t, from, to, err := v.ks.parseEdge(it.Item().Key(), famOut)
			if err != nil {
				return fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			e := &Edge{Type: t, From: from, To: to}
			if err := it.Item().Value(func(b []byte) error { return decodeEdge(b, e) }); err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// badgerLogger passes Badger's warnings and errors to zerolog; its info and
// debug chatter is dropped.
type badgerLogger struct{ l zerolog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	b.l.Error().Str("component", "badger").Msgf(f, a...)
}
func (b badgerLogger) Warningf(f string, a ...any) {
	b.l.Warn().Str("component", "badger").Msgf(f, a...)
}
func (b badgerLogger) Infof(string, ...any)  {}
func (b badgerLogger) Debugf(string, ...any) {}
