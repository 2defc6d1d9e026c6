import { afterAll, describe, expect, it } from 'vitest';
import { namespacesOfThisProcess, NetnsUnavailableError } from '../../bench/netns.js';
import { runRealSoak, type RealSoakOptions, type RealSoakResult } from '../../bench/real-soak.js';

/**
 * The short version of `npm run soak -- --real`: a server process and a client process (from
 * dist/bench, built by `npm test`'s pretest) across 20 % loss each way, 40 ms ± 10 ms, 5 %
 * reordering, 2 % duplication and 1 % corruption, encrypted. Over two network namespaces with
 * tc netem where the machine allows it; otherwise the skip says why and the same assertions run
 * over LossyUdpProxy on loopback. The transport is proven on both backends elsewhere, and this
 * takes ~20 s (20 % loss keeps the window small), so it runs once, in the native project.
 */
const MESSAGES = 2000;

/** The result, or why namespaces cannot be used here. */
async function attempt(options: RealSoakOptions): Promise<RealSoakResult | { unavailable: string }> {
  try {
    return await runRealSoak(options);
  } catch (err) {
    if (err instanceof NetnsUnavailableError) return { unavailable: err.reason };
    throw err;
  }
}

function expectClean(r: RealSoakResult): void {
  expect(r.reliable).toEqual({ messages: MESSAGES, delivered: MESSAGES, lost: 0, duplicated: 0, corrupted: 0, out_of_order: 0 });
  expect(r.reliable_unordered).toEqual({ messages: MESSAGES / 10, delivered: MESSAGES / 10, lost: 0, duplicated: 0, corrupted: 0, out_of_order: 0 });
  expect(r).toMatchObject({ lost: 0, duplicated: 0, corrupted: 0, out_of_order: 0 });
  // the link really did damage traffic, and the protocol really did recover from it
  expect(r.client?.lost ?? 0).toBeGreaterThan(0);
  expect(r.client?.retransmits ?? 0).toBeGreaterThan(0);
}

describe.runIf(process.env.PAPERCLIP_BACKEND === 'native')('real packet loss', () => {
  let unavailable: string | undefined;

  afterAll(() => {
    // whatever ran or failed, no namespace of this process may outlive the suite
    expect(namespacesOfThisProcess()).toEqual([]);
  });

  it(`${MESSAGES} reliable + ${MESSAGES / 10} reliable-unordered messages across network namespaces with tc netem`, async (ctx) => {
    const r = await attempt({ messages: MESSAGES, link: 'netns', seed: 7 });
    expect(namespacesOfThisProcess()).toEqual([]);
    if ('unavailable' in r) {
      unavailable = r.unavailable;
      ctx.skip(`namespaces + netem not available here (${r.unavailable}); the same run goes through LossyUdpProxy below`);
      return;
    }
    expect(r.link).toBe('netns-netem');
    expectClean(r);
    // netem's own counters: it dropped datagrams in both directions
    expect(r.injected.a_to_b?.dropped ?? 0).toBeGreaterThan(0);
    expect(r.injected.b_to_a?.dropped ?? 0).toBeGreaterThan(0);
  }, 90_000);

  it('the same run over LossyUdpProxy on loopback, where namespaces + netem are not available', async (ctx) => {
    if (unavailable === undefined) ctx.skip('namespaces + netem ran above');
    const r = await runRealSoak({ messages: MESSAGES, link: 'proxy', seed: 7 });
    expect(r.link).toBe('loopback-proxy');
    expectClean(r);
    expect(r.injected.dropped ?? 0).toBeGreaterThan(0);
    expect(r.injected.duplicated ?? 0).toBeGreaterThan(0);
    expect(r.injected.corrupted ?? 0).toBeGreaterThan(0);
  }, 90_000);

  it('namespace plumbing without netem: processes in two namespaces over a clean veth, all removed after', async (ctx) => {
    const r = await attempt({ messages: 500, link: 'netns-clean', seed: 7 });
    expect(namespacesOfThisProcess()).toEqual([]);
    if ('unavailable' in r) {
      ctx.skip(`network namespaces not available here: ${r.unavailable}`);
      return;
    }
    expect(r.link).toBe('netns-clean');
    expect(r).toMatchObject({ messages: 550, lost: 0, duplicated: 0, corrupted: 0, out_of_order: 0 });
  }, 60_000);
});
