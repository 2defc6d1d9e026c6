/** The `paperclip` command. Each subcommand lives in its own module. */
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../native.js';
import { registerBench } from './bench-command.js';
import { registerDoctor } from './doctor-command.js';
import { registerBots } from './bots.js';
import { registerPlay } from './play.js';
import { registerServe } from './serve.js';

const program = new Command()
  .name('paperclip')
  .description('paperclip-net: reliable-UDP game networking')
  .version(packageVersion)
  .exitOverride();

registerDoctor(program);
registerBench(program);
registerServe(program);
registerPlay(program);
registerBots(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`paperclip: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
