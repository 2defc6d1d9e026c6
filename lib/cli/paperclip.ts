/** The `paperclip` command. Each subcommand lives in its own module. */
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../native.js';
import { doctorReport, formatDoctorReport } from './doctor.js';
import { registerServe } from './serve.js';

const program = new Command()
  .name('paperclip')
  .description('paperclip-net: reliable-UDP game networking')
  .version(packageVersion)
  .exitOverride();

program
  .command('doctor')
  .description('report the live backend, the native addon and the platform')
  .option('--json', 'print one JSON object')
  .action((opts: { json?: boolean }) => {
    const report = doctorReport();
    process.stdout.write(opts.json === true ? `${JSON.stringify(report)}\n` : `${formatDoctorReport(report)}\n`);
  });

registerServe(program);

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
