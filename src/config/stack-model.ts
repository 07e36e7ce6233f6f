import { buildGaapView } from './gaap-view.js';
import type { PathSegment } from './path.js';
import type { ConfigBlock, DomainName, EntryView, RuleContext } from './rules/rule-types.js';
import type { StackFile } from './stack-file.js';

/** Lays out blocks, entries (with defaults merged) and the gaap maps for the rules and for building the stack. */
export function buildRuleContext(files: StackFile[], env: NodeJS.ProcessEnv): RuleContext {
  const blocks: ConfigBlock[] = [];
  const entries: EntryView[] = [];
  for (const file of files) {
    const section = file.doc.baishan;
    if (!section) continue;
    const defaults = section.defaults ?? {};
    const defaultsPath: PathSegment[] = ['baishan', 'defaults'];
    if (section.defaults) blocks.push({ file, role: 'defaults', path: defaultsPath, config: defaults });
    (section.domains ?? []).forEach((entry, index) => {
      const path: PathSegment[] = ['baishan', 'domains', index];
      const own = entry.config ?? {};
      if (entry.config) blocks.push({ file, role: 'entry', path: [...path, 'config'], config: own });
      const names: DomainName[] = [];
      if (typeof entry.domain === 'string') names.push({ name: entry.domain, path: [...path, 'domain'] });
      if (Array.isArray(entry.domains)) {
        for (const [i, name] of entry.domains.entries()) names.push({ name, path: [...path, 'domains', i] });
      }
      const merged: Record<string, unknown> = {};
      const keyPaths: Record<string, PathSegment[]> = {};
      // Key-level merge: a key the entry declares (null included) replaces the default's wholesale.
      for (const [k, v] of Object.entries(defaults)) {
        merged[k] = v;
        keyPaths[k] = [...defaultsPath, k];
      }
      for (const [k, v] of Object.entries(own)) {
        merged[k] = v;
        keyPaths[k] = [...path, 'config', k];
      }
      entries.push({ file, index, path, entry, names, merged, keyPaths });
    });
  }
  return { files, blocks, entries, gaap: buildGaapView(files), env };
}
