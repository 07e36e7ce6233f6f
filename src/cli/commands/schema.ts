import { bundledDesiredSchema } from '../../config/schema-bundle.js';
import { writeOut } from './context.js';

/** `edgeform schema`: the desired-state JSON Schema, one self-contained document, on stdout. */
export async function runSchema(): Promise<void> {
  writeOut(`${JSON.stringify(bundledDesiredSchema(), null, 2)}\n`);
}
