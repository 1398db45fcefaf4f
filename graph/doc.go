// Package graph is stancegraph's property graph: nodes (people,
// organizations, topics, stances, documents, events, initiatives) and typed
// edges between them, stored in an embedded Badger database.
//
// # Data model
//
// A Node has a stable id "kind/slug" (person/olaf-scholz, org/eu,
// topic/ai-regulation, stance/..., doc/..., event/..., initiative/...), a
// name, aliases, kind-specific typed fields (a stance's position -1..+1,
// confidence, quotes with translations and statedAt; a topic's scale; an
// initiative's amount; ...), sources (document id, quote, locator) and an
// origin (the seed file or "mutation" that wrote it). Relations are edges,
// never fields: a stance's holder is its HELD_BY edge, its topic its
// ON_TOPIC edge, a topic's parent its SUBTOPIC_OF edge. An Edge is
// identified by (type, from, to); writing it again updates its role,
// validity dates, sources and origin. Each edge type admits certain
// endpoint kinds (see edgeRules in model.go). Dates may be partial
// (2025, 2025-02, 2025-02-11) and order year, month, day.
//
// # Key layout
//
// Every key starts with a 4-byte big-endian generation number. Generation 0
// holds metadata; the live data sits under one generation g >= 1, named by
// the meta key. After the generation comes a family byte and the fields,
// each string encoded so that 0x00 becomes 0x00 0xff and the string ends
// with 0x00 0x01: fields cannot run into each other, ("ab","c") and
// ("a","bc") give different keys, and byte order is field order (keys.go is
// the only file that builds keys; FuzzKeyEncoding proves both properties).
//
//	g0 'm' "gen"                    -> live generation (u32)
//	g0 'm' "seq"                    -> commit sequence (u64), see below
//	g0 's' origin                   -> the origin's stamp (Batch.StampOrigin)
//	g  'n' id                       -> node (version byte + tagged binary fields)
//	g  'o' from type to             -> edge (version byte + binary fields)
//	g  'i' to type from             -> empty: the in-edge index
//	g  'p' position(f64, sortable) id -> empty: stances by position
//	g  'd' statedAt(u32) id         -> empty: dated stances by date
//	g  'w' term firstID             -> a block of the term's postings (postings.go)
//	g  'l' id                       -> node text length (u32), for BM25
//
// Nodes of one kind are a prefix of the 'n' family, so listing a kind in
// id order is one prefix scan. The 'o' and 'i' families give a node's
// edges by direction and type with one prefix scan each.
//
// # Memory
//
// Traversals do not read Badger edge by edge: the whole topology (every id
// with its kind and name, every edge as an 8-byte entry in both endpoints'
// adjacency lists, sorted by type and neighbour id) is kept in memory,
// read at Open from the snapshot a clean Close leaves (snapshot.go) or
// else rebuilt from the node values and edge keys, and changed by Apply
// in the same critical section that commits the batch. Loaded from a
// snapshot, the lists stay where the file is mapped (privately: a change
// copies the page it touches) until Close. The other values (quotes,
// texts, roles) stay in Badger; a walk that asks for keys only
// (NodeKeysOnly, EdgeKeysOnly), names included, reads none of them. A
// 1M-edge graph needs about 16 MB of adjacency and 18 MB of names
// (nameTable), both used where the snapshot is mapped. Badger itself is
// sized for a small server by default: 16 MB memtables (2), a 32 MB block
// cache, a 16 MB index cache, 128 KB base tables (4 MB tables from a
// streamed load), 128 MB value-log files;
// Options overrides them. The value log is garbage-collected every 10 minutes.
//
// # Transactions
//
// Every exported read runs on one Badger snapshot; readers that use the
// in-memory topology hold a read lock that writers take only to make a
// commit visible, so topology and snapshot always agree. Writes go through
// Apply, one Batch at a time (writers are serialized), all-or-nothing:
//
//   - Apply first folds the batch into its final state, checks it (every
//     edge's endpoints exist and have kinds its type allows; a node with
//     edges is deleted only with cascade), and computes the exact key
//     writes, including every secondary index change and skipping writes
//     that would not change a stored value. Nothing is written if any check
//     fails.
//   - A batch that fits one Badger transaction (about 15% of a memtable)
//     commits in it.
//   - A larger batch is staged: the live generation is copied, with the
//     batch applied, under generation g+1 using as many transactions as it
//     takes; then one small transaction switches the meta key to g+1, and
//     g is dropped once its last reader is done. A crash before the switch
//     leaves g live and the partial g+1 is dropped at the next Open; a crash
//     after it leaves g+1 live and g is dropped at the next Open. Staging
//     costs a copy of the live data, so it is meant for big seeds; it is
//     free on an empty store.
//
// A clean Close writes the topology to stancegraph.topology; the next Open
// loads that file instead of scanning every key when its commit sequence,
// generation and checksum match the database, removes it, and scans
// otherwise, as after a crash (snapshot.go).
//
// Every commit writes the next commit sequence number, in its own
// transaction (or in the switch of a staged batch), along with the origin
// stamps it sets or clears.
//
// # Durability
//
// With the default Options every commit is fsynced before Apply returns,
// so an acknowledged batch survives kill -9 and power loss
// (TestCrashKeepsAcknowledgedBatches kills a writer at random moments).
// On this machine a small durable commit costs about 1.5-7 ms, against
// 35-75 µs with NoSync (BenchmarkCommit): nearly all of it the fsyncs.
//
// Badger can lose acknowledged writes silently: with a damaged write-ahead
// log it may open without error and without them. So after each commit
// the store also records the commit sequence in stancegraph.seq, a small
// file outside Badger (two checksummed slots written alternately, fsynced
// unless NoSync). Open compares the two: a database behind its record is
// refused with ErrLost and the way to restore; Options.AcceptLoss opens it
// anyway and resets the record. A database ahead of its record (a crash
// between a commit and the record) only moves the record forward. Restore
// resets the record to the restored database's sequence.
//
// Open checks the directory before Badger sees it: the MANIFEST is
// replayed and every table it lists must be there and readable. After a
// crash (no topology snapshot) every block of every table is read against
// its checksum; after a clean Close only the footers, indexes and end
// blocks, and Badger checks each other block when it first reads it
// (Options.CheckTables forces the full pass). Damage wraps ErrCorrupt.
//
// Verify rebuilds every index from the primary data and compares.
package graph
