/**
 * A full lobby's life after matchmaking: its game server starting, running, and the lobby's end.
 * Each change is one guarded UPDATE (`WHERE status = from`), so a lobby that ended meanwhile is
 * left alone and the caller learns it from the `false`.
 */
import { ServiceError } from '../../errors.js';
import type { LobbyServer, LobbyStatus } from '../types.js';
import type { Connection } from './connection.js';

/** The only moves the server pool makes; anything else is a caller bug. */
const TRANSITIONS: ReadonlySet<string> = new Set(['full>starting', 'starting>running']);

export class SqliteLobbyLifecycle {
  constructor(private readonly conn: Connection) {}

  transition(lobbyId: number, from: LobbyStatus, to: 'starting' | 'running', server?: LobbyServer): boolean {
    if (!TRANSITIONS.has(`${from}>${to}`)) throw new ServiceError('BAD_REQUEST', `a lobby does not move ${from} → ${to}`);
    if (to === 'running' && server === undefined) {
      throw new ServiceError('BAD_REQUEST', 'a running lobby needs its server address and certificate');
    }
    const { changes } = this.conn
      .statement<[{ id: number; from: LobbyStatus; to: string; host: string | null; port: number | null; certificate: Buffer | null }]>(
        `UPDATE lobbies SET status = @to,
           server_host = coalesce(@host, server_host),
           server_port = coalesce(@port, server_port),
           server_certificate = coalesce(@certificate, server_certificate)
         WHERE id = @id AND status = @from`,
      )
      .run({
        id: lobbyId,
        from,
        to,
        host: server?.host ?? null,
        port: server?.port ?? null,
        // better-sqlite3 binds Buffers as BLOBs, not other typed arrays.
        certificate:
          server === undefined
            ? null
            : Buffer.from(server.certificate.buffer, server.certificate.byteOffset, server.certificate.byteLength),
      });
    return changes === 1;
  }

  end(lobbyId: number, reason: string, now: number): boolean {
    return this.conn.write(() => {
      const { changes } = this.conn
        .statement<[number, string, number]>(
          `UPDATE lobbies SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ? AND status <> 'ended'`,
        )
        .run(now, reason, lobbyId);
      if (changes === 0) return false;
      // Frees the members for their next lobby; their rows stay for the results.
      this.conn.statement<[number]>('UPDATE lobby_members SET active = 0 WHERE lobby_id = ? AND active = 1').run(lobbyId);
      return true;
    });
  }
}
