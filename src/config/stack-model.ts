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
    const defaultKeys = Object.keys(defaults);
    // One path per `defaults` key, shared by every entry of the file (paths are never modified).
    const defaultKeyPaths = defaultKeys.map((k): PathSegment[] => ['baishan', 'defaults', k]);
    // NOTE: paths are written as array literals and lists walked by index: this runs for every
    // domain name and key of the stack (tens of thousands), mostly as cold code, where spreads and
    // `entries()` iterators cost several times more.
    const domains = section.domains ?? [];
    for (let index = 0; index < domains.length; index++) {
      const entry = domains[index]!;
      const path: PathSegment[] = ['baishan', 'domains', index];
      const own = entry.config ?? {};
      if (entry.config)
        blocks.push({ file, role: 'entry', path: ['baishan', 'domains', index, 'config'], config: own });
      const names: DomainName[] = [];
      if (typeof entry.domain === 'string')
        names.push({ name: entry.domain, path: ['baishan', 'domains', index, 'domain'] });
      const list = entry.domains;
      if (Array.isArray(list)) {
        for (let i = 0; i < list.length; i++)
          names.push({ name: list[i]!, path: ['baishan', 'domains', index, 'domains', i] });
      }
      const merged: Record<string, unknown> = {};
      const keyPaths: Record<string, PathSegment[]> = {};
      // Key-level merge: a key the entry declares (null included) replaces the default's wholesale.
      for (let i = 0; i < defaultKeys.length; i++) {
        const k = defaultKeys[i]!;
        merged[k] = defaults[k];
        keyPaths[k] = defaultKeyPaths[i]!;
      }
      for (const k of Object.keys(own)) {
        merged[k] = own[k];
        keyPaths[k] = ['baishan', 'domains', index, 'config', k];
      }
      entries.push({ file, index, path, entry, names, merged, keyPaths });
    }
  }
  return { files, blocks, entries, gaap: buildGaapView(files), env };
}
