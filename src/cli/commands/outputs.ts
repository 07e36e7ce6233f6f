import { listOutputs } from '../../workflow/outputs.js';
import type { GlobalFlags } from '../global-flags.js';
import { renderOutputsText } from '../render/outputs-text.js';
import { writeOut } from './context.js';
import { readFromFlags } from './plan-from-flags.js';

export interface OutputsFlags extends GlobalFlags {
  file?: string[];
  format: 'text' | 'json';
  sandbox?: boolean;
  logFile?: string;
}

/** Lists the server-assigned values of what the stack owns (IDs, access domains and IPs, CNAMEs). */
export async function runOutputs(flags: OutputsFlags): Promise<void> {
  const { ctx, result } = await readFromFlags(flags, listOutputs);
  if (flags.format === 'json') {
    writeOut(
      `${JSON.stringify({ formatVersion: '1.0', stack: result.stack, outputs: result.outputs }, null, 2)}\n`,
    );
    return;
  }
  const text = renderOutputsText(result.outputs, ctx.out);
  writeOut(
    text === ''
      ? `Stack ${result.stack} owns nothing with outputs.\n`
      : `Outputs of stack ${result.stack}:\n${text}`,
  );
}
