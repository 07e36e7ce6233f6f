import type { Diagnostic } from '../diagnostic-types.js';
import { GAAP_MAPS, type GaapDecl } from '../gaap-view.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

const MAP_WORDS: Record<(typeof GAAP_MAPS)[number], string> = {
  proxyGroups: 'proxy group',
  proxies: 'proxy',
  realServers: 'real server',
  certificates: 'certificate',
  globalDomains: 'global domain',
};

/**
 * gaap maps merge across files; a logical name is the object's identity (its edgeform:name tag),
 * so two declarations of one name in one map would fight over the same live object.
 */
export const gaapDuplicateNameRule: Rule = {
  name: 'gaap-duplicate-name',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const map of GAAP_MAPS) {
      const first = new Map<string, GaapDecl<unknown>>();
      for (const decl of ctx.gaap[map] as GaapDecl<unknown>[]) {
        const prev = first.get(decl.name);
        if (!prev) {
          first.set(decl.name, decl);
          continue;
        }
        const where = prev.file.source.locate(prev.path, 'key');
        out.push(
          diagnosticAt(
            decl.file,
            decl.path,
            {
              code: 'DUPLICATE_NAME',
              message: `${MAP_WORDS[map]} \`${decl.name}\` is declared more than once; first at ${where.file}:${where.line}:${where.column}`,
              fix: `declare gaap.${map}.${decl.name} in one file only, or rename one of the two`,
              related: [where],
            },
            'key',
          ),
        );
      }
    }
    return out;
  },
};

/** projectId applies to the whole gaap section, so files that set it must agree. */
export const gaapProjectIdRule: Rule = {
  name: 'gaap-project-id',
  check(ctx) {
    const out: Diagnostic[] = [];
    let first: { file: StackFile; value: number } | undefined;
    for (const file of ctx.gaap.files) {
      const value = file.doc.gaap?.projectId;
      if (value === undefined) continue;
      if (!first) {
        first = { file, value };
        continue;
      }
      if (value === first.value) continue;
      out.push(
        diagnosticAt(file, ['gaap', 'projectId'], {
          code: 'PROJECT_CONFLICT',
          message: `gaap.projectId is ${value} here but ${first.value} in ${first.file.file}`,
          fix: 'set projectId in one file only, or give it the same value in every file of the stack',
          related: [first.file.source.locate(['gaap', 'projectId'])],
        }),
      );
    }
    return out;
  },
};

const PROXY_NAME_MAX = 32;
const GROUP_NAME_MAX = 30;

/**
 * NOTE: ProxyName ≤ 32 and GroupName ≤ 30 (GAAP API, CreateProxy: ProxyName; CreateProxyGroup: GroupName
 * — longer group names fail). Without `name` the logical name is sent, and logical names may have 63
 * characters.
 */
export const gaapNameLengthRule: Rule = {
  name: 'gaap-name-length',
  check(ctx) {
    const out: Diagnostic[] = [];
    const check = (decl: GaapDecl<{ name?: string }>, max: number, what: string) => {
      const explicit = decl.value.name;
      const sent = explicit ?? decl.name;
      if (sent.length <= max) return;
      out.push(
        diagnosticAt(
          decl.file,
          explicit !== undefined ? [...decl.path, 'name'] : decl.path,
          {
            code: 'NAME_TOO_LONG',
            message:
              explicit !== undefined
                ? `${what} name has ${sent.length} characters; GAAP allows at most ${max}`
                : `${what} \`${decl.name}\` has no \`name\`, so its logical name (${sent.length} characters) is used, and GAAP allows at most ${max}`,
            fix:
              explicit !== undefined
                ? `shorten the name to at most ${max} characters`
                : `add \`name:\` with at most ${max} characters (or shorten the logical name)`,
          },
          explicit !== undefined ? 'value' : 'key',
        ),
      );
    };
    for (const p of ctx.gaap.proxies) check(p, PROXY_NAME_MAX, 'proxy');
    for (const g of ctx.gaap.proxyGroups) check(g, GROUP_NAME_MAX, 'proxy group');
    return out;
  },
};
