/**
 * One better-sqlite3 connection as the stores use it: cached prepared statements, the two kinds
 * of transaction they need, and group commit for writes.
 *
 * Group commit: a commit (with its WAL append and, every 1,000 pages, a checkpoint) costs more
 * than the statements of a typical write. Writes requested in one event-loop turn are run one
 * after another, each in its own SAVEPOINT, inside one BEGIN IMMEDIATE … COMMIT, and every caller
 * is answered after that commit: an acknowledged write is as durable as before, a failing write
 * rolls back only its own savepoint, and the serial order is the order of the calls.
 */
import type Database from 'better-sqlite3';

interface PendingWrite {
  readonly body: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class Connection {
  private readonly cache = new Map<string, Database.Statement<unknown[], unknown>>();
  // One wrapper for every transaction: better-sqlite3 runs the callback between BEGIN and
  // COMMIT (ROLLBACK when it throws), or inside a SAVEPOINT when a transaction is already open.
  private readonly transaction: Database.Transaction<(body: () => unknown) => unknown>;

  private pending: PendingWrite[] = [];
  private flushScheduled = false;

  constructor(readonly db: Database.Database) {
    this.transaction = db.transaction((body: () => unknown) => body());
  }

  /**
   * Queues a write (a body that may itself call write()/read()) for the next group commit and
   * resolves with its result once that commit is done.
   */
  grouped<R>(body: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ body, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (!this.db.open) {
      for (const w of batch) w.reject(new Error('the database is closed'));
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      this.transaction.immediate(() => {
        for (const w of batch) {
          try {
            // nested: a SAVEPOINT, rolled back alone when this write throws
            outcomes.push({ ok: true, value: this.transaction(w.body) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // BEGIN or COMMIT failed (busy past busy_timeout, disk full): nothing of the batch is stored
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
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
