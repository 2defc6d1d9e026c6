/**
 * One case's load, run the same way for every case: a warm-up in two halves, then the measured
 * run, and after each run a drain of the server so leftovers never reach the next measurement.
 */
import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerChild } from './rest-children.js';
import type { LoadSpec } from './rest-cases.js';

export interface RunnerOptions {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  readonly progress: boolean;
}

/** 2xx responses per second: anything else is not throughput. */
export function okRate(result: autocannon.Result): number {
  return result['2xx'] / result.duration;
}

export class CaseRunner {
  constructor(readonly o: RunnerOptions) {}

  say(text: string): void {
    if (this.o.progress) process.stderr.write(`  ${text}\n`);
  }

  /** Returns the second half: the first pays for JIT and cold caches, the second shows the steady rate. */
  async warm(name: string, server: ServerChild, spec: LoadSpec): Promise<autocannon.Result> {
    this.say(`${name}: warming up`);
    await this.load(server, spec, this.o.warmupSec / 2);
    return this.load(server, spec, this.o.warmupSec / 2);
  }

  measure(name: string, server: ServerChild, spec: LoadSpec): Promise<autocannon.Result> {
    this.say(`${name}: measuring`);
    return this.load(server, spec, this.o.durationSec);
  }

  private async load(server: ServerChild, spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
    const result = await autocannon({ ...spec(), duration: seconds, connections: this.o.connections });
    // Requests the server accepted before autocannon closed its sockets keep running; let them
    // finish, so they do not slow down the next run.
    await server.request({ type: 'drain' });
    await sleep(50);
    return result;
  }
}

/** Accounts `${prefix}0…` created in the service child; the tokens of their sessions when `sessions`. */
export async function seed(service: ServerChild, prefix: string, count: number, sessions: boolean): Promise<{ tokens: readonly string[]; ms: number }> {
  const reply = await service.request({ type: 'seed', prefix, count, sessions });
  if (reply.type !== 'seeded') throw new Error(`unexpected reply to seed: ${reply.type}`);
  return reply;
}
