/**
 * One better-sqlite3 connection as the stores use it: cached prepared statements and the two
 * kinds of transaction they need.
 */
import type Database from 'better-sqlite3';

export class Connection {
  private readonly cache = new Map<string, Database.Statement<unknown[], unknown>>();
  // One wrapper for every transaction: better-sqlite3 runs the callback between BEGIN and
  // COMMIT (ROLLBACK when it throws), or inside a SAVEPOINT when a transaction is already open.
  private readonly transaction: Database.Transaction<(body: () => unknown) => unknown>;

  constructor(readonly db: Database.Database) {
    this.transaction = db.transaction((body: () => unknown) => body());
  }

  /**
   * The prepared statement for `sql`, compiled on first use: statements compile against the
   * schema, which exists only after migrate(). `P`: the bound parameters; `R`: one result row as
   * SQLite returns it (snake_case columns). A statement's pluck() mode sticks to the cached
   * statement, so each SQL text is used in one mode only.
   */
  statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.cache.set(sql, statement);
    }
    // Each SQL text is written once, next to its parameter and row types.
    return statement as unknown as Database.Statement<P, R>;
  }

  /**
   * Runs a read-then-write body under BEGIN IMMEDIATE: the write lock is taken before the first
   * read, so the same body in another connection or process waits (busy_timeout) instead of
   * deciding on data about to change.
   */
  write<R>(body: () => R): R {
    return this.transaction.immediate(body) as R;
  }

  /** Runs several reads on one snapshot (BEGIN DEFERRED takes no write lock). */
  read<R>(body: () => R): R {
    return this.transaction.deferred(body) as R;
  }
}
