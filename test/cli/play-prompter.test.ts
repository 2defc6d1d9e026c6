/**
 * The play session's prompter over in-memory streams: scripted answers that arrive all at once,
 * hidden passwords, the end of the input, and a question withdrawn by an abort.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputClosedError, Prompter } from '../../lib/cli/play/prompter.js';

function setup(terminal: boolean): { prompter: Prompter; input: PassThrough; shown: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const prompter = new Prompter({ input, output, terminal });
  // strip readline's cursor movements in terminal mode
  return { prompter, input, shown: () => text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, '') };
}

describe('Prompter', () => {
  it('rejects with InputClosedError naming the question when the input ends first', async () => {
    const { prompter, input } = setup(false);
    input.end();
    await expect(prompter.ask('Username: ')).rejects.toThrow(new InputClosedError('Username: '));
  });

  it('rejects with the reason of an abort, and the next question still gets its answer', async () => {
    const { prompter, input } = setup(false);
    const stop = new AbortController();
    const asked = prompter.ask('Round 1: ', stop.signal);
    stop.abort(new Error('round over'));
    await expect(asked).rejects.toThrow('round over');
    input.write('p\n');
    await expect(prompter.ask('Round 2: ')).resolves.toBe('p');
    prompter.close();
  });

  it('keeps piped answers that arrive together for the questions that follow, echoing all but secrets', async () => {
    const { prompter, input, shown } = setup(false);
    input.write('ann\ncorrect horse\nf\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await prompter.ask('Username: ')).toBe('ann');
    expect(await prompter.secret('Password: ')).toBe('correct horse');
    expect(await prompter.ask('> ')).toBe('f');
    expect(shown()).toBe('Username: ann\nPassword: \n> f\n');
    prompter.close();
  });

  it('does not echo a secret typed at a terminal, and drops lines typed while nothing was asked', async () => {
    const { prompter, input, shown } = setup(true);
    input.write('typed ahead\r');
    await new Promise((resolve) => setImmediate(resolve));
    const password = prompter.secret('Password: ');
    input.write('correct horse\r');
    expect(await password).toBe('correct horse');
    const name = prompter.ask('Username: ');
    input.write('ann\r');
    expect(await name).toBe('ann');
    expect(shown()).not.toContain('correct horse');
    expect(shown()).toContain('Password: \n');
    expect(shown()).toContain('Username: ann');
    prompter.close();
  });
});
