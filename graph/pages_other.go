//go:build !linux

package graph

// releaseTablePages is a no-op outside Linux: the pages stay resident
// until the kernel needs them.
func (s *Store) releaseTablePages() {}
