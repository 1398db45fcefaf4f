package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

// Scheduled backups: serve writes a backup every --backup-every into
// --backup-dir under a sortable UTC name and keeps the newest --backup-keep.
// A backup is written to a temporary file, fsynced, renamed into place and
// the directory fsynced, so a file with a backup name is always complete.

const (
	backupPrefix  = "stancegraph-"
	backupSuffix  = ".backup"
	backupTimeFmt = "20060102T150405.000Z" // fixed width, so names sort by time
	backupTmp     = ".stancegraph-backup-*.tmp"
)

// backupConfig configures scheduled backups.
type backupConfig struct {
	Dir   string        // directory of the backups
	Every time.Duration // interval between backups; 0 turns them off
	Keep  int           // how many backups to keep; older ones are deleted
}

// backupFlags registers serve's --backup-* flags on fs and returns the
// configuration they fill in when fs is parsed.
func backupFlags(fs *flag.FlagSet) *backupConfig {
	c := &backupConfig{}
	fs.StringVar(&c.Dir, "backup-dir", "", "`directory` for scheduled backups (created if missing)")
	fs.DurationVar(&c.Every, "backup-every", 0, "write a backup to --backup-dir every `interval`, e.g. 6h (0 = no scheduled backups)")
	fs.IntVar(&c.Keep, "backup-keep", 7, "how many scheduled backups to keep; older ones are deleted")
	return c
}

// check reports a configuration that cannot work.
func (c backupConfig) check() error {
	switch {
	case c.Every < 0:
		return fmt.Errorf("--backup-every %s is negative", c.Every)
	case c.Every == 0:
		return nil
	case c.Dir == "":
		return errors.New("--backup-every needs --backup-dir")
	case c.Keep < 1:
		return fmt.Errorf("--backup-keep %d: keep at least 1 backup", c.Keep)
	}
	return nil
}

// startBackups starts writing a backup of st into cfg.Dir every cfg.Every
// until ctx is done or the returned stop function is called. stop cancels a
// backup in progress (its temporary file is removed) and returns once the
// scheduler has finished; call it before closing st. A failed backup is
// logged and tried again at the next tick. With cfg.Every 0 nothing runs.
func startBackups(ctx context.Context, st *graph.Store, cfg backupConfig, log zerolog.Logger) (stop func(), err error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Every == 0 {
		return func() {}, nil
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("backup directory: %w", err)
	}
	// A process killed while writing a backup leaves its temporary file.
	if stale, err := filepath.Glob(filepath.Join(cfg.Dir, backupTmp)); err == nil {
		for _, p := range stale {
			if err := os.Remove(p); err == nil {
				log.Info().Str("path", p).Msg("removed the partial backup of an earlier run")
			}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(cfg.Every)
		defer t.Stop()
		log.Info().Str("dir", cfg.Dir).Dur("every", cfg.Every).Int("keep", cfg.Keep).Msg("scheduled backups on")
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// One goroutine writes every backup, so two never overlap; a
			// backup longer than the interval makes the ticker skip ticks.
			backupOnce(ctx, st, cfg, log)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// backupOnce writes one backup and prunes old ones, logging the outcome.
func backupOnce(ctx context.Context, st *graph.Store, cfg backupConfig, log zerolog.Logger) {
	start := time.Now()
	names, err := backupNames(cfg.Dir)
	if err != nil {
		log.Error().Err(err).Msg("backup failed; trying again at the next interval")
		return
	}
	at := start.UTC().Truncate(time.Millisecond)
	if len(names) > 0 {
		// Names must keep increasing even if the clock steps back, or
		// pruning would delete the newest backup first.
		if last, _ := backupTime(names[len(names)-1]); !at.After(last) {
			at = last.Add(time.Millisecond)
		}
	}
	path := filepath.Join(cfg.Dir, backupPrefix+at.Format(backupTimeFmt)+backupSuffix)
	size, err := writeBackup(ctx, st, path)
	switch {
	case err != nil && ctx.Err() != nil:
		log.Info().Msg("backup cancelled by shutdown")
		return
	case err != nil:
		log.Error().Err(err).Str("path", path).Msg("backup failed; trying again at the next interval")
		return
	}
	log.Info().Str("path", path).Int64("bytes", size).Dur("duration", time.Since(start)).Msg("backup written")
	if err := pruneBackups(cfg.Dir, cfg.Keep, log); err != nil {
		log.Warn().Err(err).Msg("prune old backups")
	}
}

// writeBackup writes a backup of st to path: a temporary file in the same
// directory, fsynced, renamed to path, then the directory fsynced. On error
// (or cancellation) the temporary file is removed and path is untouched.
func writeBackup(ctx context.Context, st *graph.Store, path string) (size int64, err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, backupTmp)
	if err != nil {
		return 0, fmt.Errorf("create backup file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := st.Backup(ctx, w); err != nil {
		return 0, fmt.Errorf("write backup: %w", err)
	}
	if err := w.Flush(); err != nil {
		return 0, fmt.Errorf("write backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("sync backup file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat backup file: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("close backup file: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return 0, fmt.Errorf("rename backup file: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// syncDir fsyncs a directory so that a rename or removal in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync backup directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync backup directory: %w", err)
	}
	return nil
}

// backupNames lists the scheduler's backups in dir, oldest first.
func backupNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var names []string
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// backupTime returns the time in the name of a backup the scheduler wrote,
// and false for any other name: nothing else in the directory is ever
// deleted.
func backupTime(name string) (time.Time, bool) {
	ts, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return time.Time{}, false
	}
	if ts, ok = strings.CutSuffix(ts, backupSuffix); !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(backupTimeFmt, ts)
	if err != nil || t.Format(backupTimeFmt) != ts {
		return time.Time{}, false
	}
	return t, true
}

// pruneBackups deletes all but the newest keep backups in dir.
func pruneBackups(dir string, keep int, log zerolog.Logger) error {
	names, err := backupNames(dir)
	if err != nil {
		return err
	}
	if len(names) <= keep {
		return nil
	}
	var errs []error
	for _, n := range names[:len(names)-keep] {
		p := filepath.Join(dir, n)
		if err := os.Remove(p); err != nil {
			errs = append(errs, fmt.Errorf("delete old backup: %w", err))
			continue
		}
		log.Info().Str("path", p).Msg("deleted old backup")
	}
	if err := syncDir(dir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
