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
	// ErrLocked means another process has the database open.
	ErrLocked = errors.New("database in use by another process")
)

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
