/**
 * The arena's rules in one place: sizes, speeds and rates. Units are arena units (u) and
 * seconds; the simulation runs at a fixed 60 Hz whatever the snapshot rate, so movement is the
 * same on every machine and a snapshot's tick says exactly which state it shows.
 */

export const TICK_HZ = 60;
export const TICK_MS = 1000 / TICK_HZ;
/** The arena is the square [0, ARENA_SIZE]²; players stop at the walls. */
export const ARENA_SIZE = 1024;
export const PLAYER_ACCEL = 1200;
export const PLAYER_MAX_SPEED = 240;
/** Velocity decays as e^(−FRICTION·t): a player who lets go glides to a halt in about half a second. */
export const FRICTION = 6;
/**
 * Below this speed with no input a player is set at rest. Without it exponential decay never
 * reaches zero, the quantized position keeps creeping, and a world nobody touches never stops
 * producing deltas.
 */
export const REST_SPEED = 4;
export const PICKUP_COUNT = 16;
/** A player whose centre comes this close to a pickup's collects it. */
export const PICKUP_RADIUS = 16;
export const MAX_SCORE = 0xffff;

export const DEFAULT_SNAPSHOT_HZ = 20;
export const MIN_SNAPSHOT_HZ = 1;
export const MAX_SNAPSHOT_HZ = TICK_HZ;
/**
 * How far behind the newest snapshot a client renders: two snapshot intervals at 20 Hz, so one
 * lost snapshot and some jitter still leave a pair to interpolate between.
 */
export const INTERPOLATION_DELAY_MS = 100;
/**
 * Past snapshots the server keeps per client as possible delta baselines (1.6 s at 20 Hz). An
 * acknowledged id older than that gets a full snapshot.
 */
export const SERVER_BASELINES = 32;
/** Reconstructed snapshots a client keeps: more than the server's window, so any baseline the server picks is still here. */
export const CLIENT_BASELINES = 64;

/**
 * Unreliable bytes a connection may queue behind its congestion window (the transport's default
 * is 256 KiB). A real-time message is worth nothing once a newer one exists: with the default, a
 * congested client queued seconds of inputs and the server applied them seconds late. Client: 8
 * inputs (133 ms). Server: a few snapshots' worth; older ones are shed first.
 */
export const CLIENT_MAX_QUEUED_UNRELIABLE = 8 * 13; // 8 × INPUT_BYTES
export const SERVER_MAX_QUEUED_UNRELIABLE = 4 * 1024;
