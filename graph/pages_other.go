//go:build !linux

package graph

// releaseTablePages is a no-op outside Linux: the pages stay resident
// until the kernel needs them.
func (s *Store) releaseTablePages() {}

// detachPages leaves the pages mapped from their file outside Linux,
// which has no mremap to move copies over them.
func detachPages(pages []byte) bool { return false }
