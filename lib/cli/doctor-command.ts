/** `paperclip doctor`: the backend, the addon, the kernel's UDP features and the service's ports. */
import type { Command } from 'commander';
import { configFromEnv } from '../services/accounts/config.js';
import { doctorReport, formatDoctorReport } from './doctor.js';
import { formatPorts, probeServicePorts } from './doctor-ports.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('report the live backend, the native addon, kernel UDP features and whether the service ports are free')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const report = doctorReport();
      // the ports `paperclip serve` would bind with the same environment (PAPERCLIP_HOST, …)
      const ports = await probeServicePorts(configFromEnv(process.env));
      process.stdout.write(opts.json === true ? `${JSON.stringify({ ...report, ports })}\n` : `${formatDoctorReport(report, formatPorts(ports))}\n`);
    });
}
