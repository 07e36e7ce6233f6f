import type { Diagnostic } from '../diagnostic-types.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** Provider settings merge across files; a setting given twice must agree. */
export const providerSettingsRule: Rule = {
  name: 'provider-settings',
  check(ctx) {
    const out: Diagnostic[] = [];
    const seen = new Map<string, { file: StackFile; value: unknown }>();
    for (const file of ctx.files) {
      const providers = file.doc.providers ?? {};
      for (const [vendor, settings] of Object.entries(providers)) {
        for (const [key, value] of Object.entries(settings ?? {})) {
          const id = `${vendor}.${key}`;
          const prev = seen.get(id);
          if (!prev) {
            seen.set(id, { file, value });
            continue;
          }
          if (prev.value === value) continue;
          out.push(
            diagnosticAt(file, ['providers', vendor, key], {
              code: 'PROVIDER_CONFLICT',
              message: `providers.${id} is ${JSON.stringify(value)} here but ${JSON.stringify(prev.value)} in ${prev.file.file}`,
              fix: 'set each provider setting in one file only, or give it the same value everywhere',
              related: [prev.file.source.locate(['providers', vendor, key])],
            }),
          );
        }
      }
    }
    return out;
  },
};
