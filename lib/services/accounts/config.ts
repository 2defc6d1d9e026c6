/**
 * The accounts service's configuration: one table of settings, each with its CLI flag, its
 * environment variable and its default. `paperclip serve` reads flags first, then the
 * environment, then these defaults (README "Configuration" is generated from the same rows).
 */
import { readFileSync } from 'node:fs';
import type { GameDefinition } from './storage/types.js';

export interface RateLimit {
  /** Requests per window and client address. */
  readonly max: number;
  readonly windowMs: number;
}

export interface ServiceConfig {
  /** HTTP bind address. */
  readonly host: string;
  /** HTTP port (0: any free port). */
  readonly httpPort: number;
  /** `sqlite:<path>` or `postgres://…`. */
  readonly db: string;
  /** Game-server UDP port pool, inclusive. */
  readonly udpPorts: { readonly from: number; readonly to: number };
  /** Address clients are told to reach game servers at (default: host, or 127.0.0.1 for 0.0.0.0/::). */
  readonly publicHost: string;
  /** Ed25519 seed file of the service (created 0600 when missing). */
  readonly keyFile: string;
  readonly tokenTtlMs: number;
  readonly certificateTtlMs: number;
  /** Per-address limit on /auth/register, /auth/token and certificate issuing. */
  readonly authRateLimit: RateLimit | null;
  /** Largest accepted request body. */
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  /** Games offered (upserted by name at start-up). */
  readonly games: readonly GameDefinition[];
  /** Game servers: not all players connected within this → the match ends 'players-missing'. */
  readonly joinTimeoutMs: number;
}

export const DEFAULT_GAMES: readonly GameDefinition[] = [
  { name: 'rps', minPlayers: 2, maxPlayers: 2, module: 'rps' },
];

export const DEFAULT_CONFIG: ServiceConfig = {
  host: '127.0.0.1',
  httpPort: 8080,
  db: 'sqlite:paperclip.db',
  udpPorts: { from: 40000, to: 40099 },
  publicHost: '127.0.0.1',
  keyFile: 'paperclip-service.key',
  tokenTtlMs: 60 * 60 * 1000,
  certificateTtlMs: 24 * 60 * 60 * 1000,
  authRateLimit: { max: 30, windowMs: 60_000 },
  bodyLimitBytes: 16 * 1024,
  logLevel: 'info',
  games: DEFAULT_GAMES,
  joinTimeoutMs: 60_000,
};

/** The settings given as text, whichever way (flags or environment). */
export interface SettingValues {
  host?: string;
  httpPort?: string;
  udpPorts?: string;
  db?: string;
  publicHost?: string;
  keyFile?: string;
  tokenTtl?: string;
  games?: string;
  authRateLimit?: string;
  logLevel?: string;
}

export interface SettingRow {
  readonly key: keyof SettingValues;
  readonly flag: string;
  readonly env: string;
  readonly default: string;
  readonly description: string;
}

/** The documented settings: `paperclip serve` builds its flags from these rows, `configFromEnv` reads the env names. */
export const SETTINGS: readonly SettingRow[] = [
  { key: 'host', flag: '--host <addr>', env: 'PAPERCLIP_HOST', default: '127.0.0.1', description: 'HTTP bind address (game servers bind here too)' },
  { key: 'httpPort', flag: '--http-port <n>', env: 'PAPERCLIP_HTTP_PORT', default: '8080', description: 'HTTP port of the service' },
  { key: 'udpPorts', flag: '--udp-ports <from-to>', env: 'PAPERCLIP_UDP_PORTS', default: '40000-40099', description: 'game-server port pool' },
  { key: 'db', flag: '--db <url>', env: 'PAPERCLIP_DB', default: 'sqlite:paperclip.db', description: 'sqlite:<path> or postgres://user:pass@host/db' },
  { key: 'publicHost', flag: '--public-host <addr>', env: 'PAPERCLIP_PUBLIC_HOST', default: 'the bind host', description: 'address given to clients for game servers' },
  { key: 'keyFile', flag: '--key-file <path>', env: 'PAPERCLIP_KEY_FILE', default: 'paperclip-service.key', description: 'service Ed25519 seed (created if missing)' },
  { key: 'tokenTtl', flag: '--token-ttl <seconds>', env: 'PAPERCLIP_TOKEN_TTL', default: '3600', description: 'session token lifetime' },
  { key: 'games', flag: '--games <file>', env: 'PAPERCLIP_GAMES', default: 'rps for 2', description: 'JSON list of games [{ name, min_players, max_players, module }]' },
  { key: 'authRateLimit', flag: '--auth-rate-limit <n|off>', env: 'PAPERCLIP_AUTH_RATE_LIMIT', default: '30', description: 'register/login/certificate requests per minute per address' },
  { key: 'logLevel', flag: '--log-level <level>', env: 'PAPERCLIP_LOG_LEVEL', default: 'info', description: 'pino level (silent … trace)' },
];

function parseIntStrict(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new Error(`${name}: "${raw}" is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new Error(`${name}: ${n} is outside ${min}..${max}`);
  return n;
}

export function parsePort(name: string, raw: string): number {
  return parseIntStrict(name, raw, 0, 65535);
}

export function parsePortRange(name: string, raw: string): { from: number; to: number } {
  const m = /^(\d+)-(\d+)$/.exec(raw.trim());
  if (m === null) throw new Error(`${name}: "${raw}" is not <from>-<to>`);
  const from = parseIntStrict(name, m[1] as string, 1, 65535);
  const to = parseIntStrict(name, m[2] as string, 1, 65535);
  if (to < from) throw new Error(`${name}: ${from}-${to} is empty`);
  return { from, to };
}

export function parseDbUrl(name: string, raw: string): string {
  if (raw.startsWith('sqlite:') || raw.startsWith('postgres://') || raw.startsWith('postgresql://')) return raw;
  throw new Error(`${name}: "${raw}" is neither sqlite:<path> nor postgres://…`);
}

/** `off` or a whole number of requests per minute and client address. */
export function parseRateLimit(name: string, raw: string): RateLimit | null {
  if (raw === 'off') return null;
  return { max: parseIntStrict(name, raw, 1, 1_000_000), windowMs: 60_000 };
}

/** The advertised address for a bind address: a wildcard bind advertises loopback. */
export function defaultPublicHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

/**
 * Reads a games file: an array of `{ name, min_players, max_players, module }` (module: a game
 * module name such as "rps", or null for matchmaking without a game server).
 */
export function loadGamesFile(path: string): GameDefinition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`${path}: expected a non-empty JSON array of games`);
  return raw.map((g: unknown, i) => {
    const o = g as Record<string, unknown>;
    const at = `${path}[${i}]`;
    if (typeof o !== 'object' || o === null) throw new Error(`${at}: not an object`);
    const { name, min_players: min, max_players: max, module } = o;
    if (typeof name !== 'string' || name.length === 0 || name.length > 255) throw new Error(`${at}.name: a non-empty string`);
    if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) < 1 || (max as number) < (min as number) || (max as number) > 1024) {
      throw new Error(`${at}: need whole numbers 1 ≤ min_players ≤ max_players ≤ 1024`);
    }
    if (module !== null && module !== undefined && typeof module !== 'string') throw new Error(`${at}.module: a module name or null`);
    return { name, minPlayers: min as number, maxPlayers: max as number, module: (module as string | undefined) ?? null };
  });
}

/**
 * `base` with the given settings applied; `nameOf` names a setting in error messages (its flag
 * or its variable). An explicit host without an explicit public host advertises that host.
 * Throws on malformed values.
 */
export function applySettings(base: ServiceConfig, v: SettingValues, nameOf: (key: keyof SettingValues) => string): ServiceConfig {
  const host = v.host ?? base.host;
  return {
    ...base,
    host,
    httpPort: v.httpPort !== undefined ? parsePort(nameOf('httpPort'), v.httpPort) : base.httpPort,
    udpPorts: v.udpPorts !== undefined ? parsePortRange(nameOf('udpPorts'), v.udpPorts) : base.udpPorts,
    db: v.db !== undefined ? parseDbUrl(nameOf('db'), v.db) : base.db,
    publicHost: v.publicHost ?? (v.host !== undefined ? defaultPublicHost(host) : base.publicHost),
    keyFile: v.keyFile ?? base.keyFile,
    tokenTtlMs: v.tokenTtl !== undefined ? parseIntStrict(nameOf('tokenTtl'), v.tokenTtl, 1, 31_536_000) * 1000 : base.tokenTtlMs,
    logLevel: v.logLevel ?? base.logLevel,
    authRateLimit: v.authRateLimit !== undefined ? parseRateLimit(nameOf('authRateLimit'), v.authRateLimit) : base.authRateLimit,
    games: v.games !== undefined ? loadGamesFile(v.games) : base.games,
  };
}

const rowOf = (key: keyof SettingValues): SettingRow => SETTINGS.find((r) => r.key === key) as SettingRow;

/** The PAPERCLIP_* variables as setting values. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SettingValues {
  const values: SettingValues = {};
  for (const row of SETTINGS) {
    const value = env[row.env];
    if (value !== undefined) values[row.key] = value;
  }
  return values;
}

/** Overrides from PAPERCLIP_* variables (flags override these again). Throws on malformed values. */
export function configFromEnv(env: NodeJS.ProcessEnv, base: ServiceConfig = DEFAULT_CONFIG): ServiceConfig {
  return applySettings(base, settingsFromEnv(env), (key) => rowOf(key).env);
}

/** The flag name of a setting ("--http-port"), for error messages. */
export function flagName(key: keyof SettingValues): string {
  return rowOf(key).flag.split(' ')[0] as string;
}
