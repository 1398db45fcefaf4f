package graph

import (
	"errors"
	"fmt"
)

// Errors returned by the store, wrapped with context. Test them with errors.Is.
var (
	// ErrNotFound means a node or edge does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input breaks a rule of the model: a malformed
	// id, a value out of range, an edge whose endpoints are missing or of
	// the wrong kind. Nothing was written.
	ErrInvalid = errors.New("invalid")
	// ErrHasEdges means a node still has edges and cascading was not asked for.
	ErrHasEdges = errors.New("node has edges")
	// ErrClosed means the store has been closed.
	ErrClosed = errors.New("store closed")
	// ErrCorrupt means the stored data breaks an invariant of the store.
	ErrCorrupt = errors.New("corrupt store")
	// ErrConflict means a node did not have the state a batch expected
	// (Batch.ExpectNode): another writer changed it. Read again and retry.
	ErrConflict = errors.New("conflict")
	// ErrLost means the database holds fewer commits than were
	// acknowledged: Badger lost writes, for instance through a damaged
	// write-ahead log. Restore the latest backup.
	ErrLost = errors.New("acknowledged commits are missing")
	// ErrLocked means another process has the database open.
	ErrLocked = errors.New("database in use by another process")
	// ErrNoSpace means the disk holding the database has less free space
	// than Options.MinFreeBytes plus what the write needs. Nothing was
	// written; the store stays usable and accepts writes again once space
	// is freed.
	ErrNoSpace = errors.New("not enough free disk space")
)

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
