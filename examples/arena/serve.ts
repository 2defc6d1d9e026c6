/**
 * A standalone arena server: `node dist/examples/arena/serve.js [--host H] [--port P]
 * [--snapshot-hz N]`, then `paperclip bots --game arena --count N --server H:P`. Prints one line
 * when listening and a stats line on Ctrl-C (SIGINT/SIGTERM), after telling every client (2.1).
 */
import { parseArgs } from 'node:util';
import { ArenaServer } from './arena-server.js';

try {
  const { values } = parseArgs({
    options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '7777' }, 'snapshot-hz': { type: 'string', default: '20' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`--port must be 0..65535, got ${values.port}`);
  const snapshotHz = Number(values['snapshot-hz']);
  const server = await ArenaServer.start({ snapshotHz, transport: { host: values.host, port } });
  process.stdout.write(`arena server on ${server.address.host}:${server.address.port}, ${server.snapshotHz} Hz snapshots; Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  const s = server.stats;
  process.stdout.write(`stopped: ${s.snapshotsSent} snapshots sent (${s.fullSnapshots} full), ${s.inputsReceived} inputs, ${s.droppedInputs} dropped\n`);
} catch (err) {
  process.stderr.write(`arena: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
