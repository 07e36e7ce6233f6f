/**
 * `edgeform export --baishan`: reads existing domains' full configuration and writes it as
 * desired-state YAML (format v1) that validates and plans as "No changes". No CLI concerns here.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import { DEFAULT_BAISHAN_SETTINGS } from '../config/build-stack.js';
import type { Diagnostic } from '../config/diagnostic-types.js';
import { loadStack } from '../config/load-stack.js';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import { isPlainObject, stableStringify } from '../core/json.js';
import { nullSink } from '../core/null-sink.js';
import type { FieldSpec } from '../model/baishan-key-specs.js';
import {
  BAISHAN_CONFIG_KEYS,
  BAISHAN_KEYS,
  isBaishanConfigKey,
  SECRET_FIELDS,
  whitelistUrls,
} from '../model/baishan-keys.js';
import type { BaishanSettings, DesiredValue } from '../model/stack-types.js';
import {
  BAISHAN_MAX_DOMAINS_PER_CALL,
  type BaishanClient,
  type BaishanDomainConfig,
} from '../providers/baishan/baishan-client.js';
import { BaishanApiError } from '../providers/baishan/baishan-errors.js';
import { isMaskedSecret, normalizeKey } from '../providers/baishan/normalize.js';
import { writeForm } from '../providers/baishan/write-forms.js';
import { EXAMPLE_STYLE } from './yaml-style.js';

/** The part of BaishanClient export needs (tests may pass a stub of it). */
export type BaishanReader = Pick<BaishanClient, 'getConfig'>;

export const STACK_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A stack name goes into tags and file names: refused before any network call when malformed. */
export function assertStackName(stack: string): void {
  if (STACK_NAME_PATTERN.test(stack)) return;
  throw new EdgeformError({
    code: 'EXPORT_STACK_INVALID',
    message: `"${stack}" is not a valid stack name`,
    resolution: 'use lower-case letters, digits and "-", at most 63 characters, e.g. --stack media-prod',
  });
}
const DOMAIN_PATTERN =
  /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface BaishanExportOptions {
  /** Domain names as given (each item may hold several, comma-separated). */
  domains: readonly string[];
  /** Stack name written into the file. Default `exported`. */
  stack?: string;
  /** Target of the `# yaml-language-server: $schema=` line (relative to the file, or a URL). */
  schemaRef?: string;
  /** Provider settings used to read live values (referer numbering, 5xx spelling). */
  settings?: BaishanSettings;
  events?: EventSink;
}

/** A secret found live: the file references it as `{env: variable}`; its value is never kept. */
export interface ExportedSecret {
  variable: string;
  /** Where it is used, e.g. `visit_timestamp.key`. */
  field: string;
  domains: string[];
  /** True when the API returned it masked: the value must come from where it was first set. */
  masked: boolean;
}

export interface ExportedEntry {
  domains: string[];
  config: Record<string, unknown>;
}

export interface BaishanExport {
  yaml: string;
  stack: string;
  entries: ExportedEntry[];
  secrets: ExportedSecret[];
  /** Things the user should know (keys left out, validation warnings); never a secret value. */
  warnings: string[];
  /** GET calls made: ceil(N/10). */
  calls: number;
}

/** Splits, trims, lower-cases and de-duplicates domain names; refuses malformed ones. */
export function parseDomainList(items: readonly string[]): string[] {
  const out: string[] = [];
  const bad: string[] = [];
  for (const item of items) {
    for (const raw of item.split(',')) {
      const d = raw.trim().toLowerCase().replace(/\.$/, '');
      if (d === '') continue;
      if (!DOMAIN_PATTERN.test(d)) bad.push(raw.trim());
      else if (!out.includes(d)) out.push(d);
    }
  }
  if (bad.length > 0) {
    throw new EdgeformError({
      code: 'EXPORT_DOMAIN_INVALID',
      message: `not a domain name: ${bad.join(', ')}`,
      resolution: 'pass domain names separated by commas, e.g. --baishan img.example.com,www.example.com',
    });
  }
  if (out.length === 0) {
    throw new EdgeformError({
      code: 'EXPORT_NOTHING_SELECTED',
      message: 'no Baishan domain to export',
      resolution: 'name the domains: edgeform export --baishan img.example.com,www.example.com',
    });
  }
  return out;
}

/**
 * Reads every config key of the domains (ceil(N/10) GETs) and renders them as one stack file.
 * Domains with identical configs share one entry (`domains:`); secrets become `{env: NAME}`.
 */
export async function exportBaishan(
  client: BaishanReader,
  opts: BaishanExportOptions,
): Promise<BaishanExport> {
  const domains = parseDomainList(opts.domains);
  const stack = opts.stack ?? 'exported';
  assertStackName(stack);
  const settings = opts.settings ?? DEFAULT_BAISHAN_SETTINGS;
  const events = opts.events ?? nullSink;

  events({ kind: 'read-start', provider: 'baishan', what: `${domains.length} domains` });
  const live = await readAll(client, domains);
  const calls = Math.ceil(domains.length / BAISHAN_MAX_DOMAINS_PER_CALL);
  events({ kind: 'read-done', provider: 'baishan', what: `${domains.length} domains`, calls });

  const warnings: string[] = [];
  const converted = domains.map((d) => liveToDesired(d, live.get(d)?.config ?? {}, settings, warnings));
  // An entry without keys manages nothing and warns on every run: such domains are named, not written.
  const empty = converted.filter((c) => Object.keys(c.config).length === 0).map((c) => c.domain);
  if (empty.length > 0) {
    warnings.push(
      `left out, no config key is set live: ${empty.join(', ')} (declare the keys to manage by hand when there are some)`,
    );
  }
  const groups = groupBySignature(converted.filter((c) => Object.keys(c.config).length > 0));

  let draft = buildEntries(groups);
  const validation = selfCheck(draft, stack, opts.schemaRef);
  draft = validation.draft;
  warnings.push(...validation.warnings);
  return {
    yaml: renderYaml(draft, stack, opts.schemaRef),
    stack,
    entries: draft.entries.map((e) => ({ domains: e.domains, config: e.config })),
    secrets: draft.secrets,
    warnings,
    calls,
  };
}

async function readAll(client: BaishanReader, domains: string[]): Promise<Map<string, BaishanDomainConfig>> {
  const out = new Map<string, BaishanDomainConfig>();
  const batches: string[][] = [];
  for (let i = 0; i < domains.length; i += BAISHAN_MAX_DOMAINS_PER_CALL) {
    batches.push(domains.slice(i, i + BAISHAN_MAX_DOMAINS_PER_CALL));
  }
  await Promise.all(
    batches.map(async (batch) => {
      let answer: BaishanDomainConfig[];
      try {
        answer = await client.getConfig(batch, BAISHAN_CONFIG_KEYS);
      } catch (e) {
        if (e instanceof BaishanApiError && e.errorClass === 'domain-not-found') {
          const named = e.domains.length > 0 ? e.domains : batch;
          throw notFound(named, e);
        }
        throw e;
      }
      for (const d of answer) out.set(d.domain.toLowerCase(), d);
    }),
  );
  const missing = domains.filter((d) => !out.has(d));
  if (missing.length > 0) throw notFound(missing);
  return out;
}

function notFound(domains: readonly string[], cause?: unknown): EdgeformError {
  return new EdgeformError({
    code: 'BAISHAN_DOMAIN_NOT_FOUND',
    message: `not in the Baishan account: ${domains.join(', ')}`,
    resolution: 'check the spelling; export reads only domains that already exist in the account',
    ...(cause === undefined ? {} : { cause }),
  });
}

// ---- live → desired ---------------------------------------------------------------------------------

/** A secret found live, with a hash of its value (for grouping only; the value is dropped). */
interface FoundSecret {
  field: string;
  /** Path inside the key: ['key'] or [index, 'auth_secret_key']. */
  at: (string | number)[];
  key: string;
  fingerprint: string;
  masked: boolean;
}

interface Converted {
  domain: string;
  /** Compact form: only the fields set live and not at their documented default. */
  config: Record<string, unknown>;
  /** Full write form of each key (defaults filled), a fallback when the compact one is refused. */
  full: Record<string, unknown>;
  secrets: FoundSecret[];
}

const SECRET_PLACEHOLDER = '\u0000secret';

function liveToDesired(
  domain: string,
  liveConfig: Record<string, unknown>,
  settings: BaishanSettings,
  warnings: string[],
): Converted {
  const config: Record<string, unknown> = {};
  const full: Record<string, unknown> = {};
  const secrets: FoundSecret[] = [];
  for (const key of BAISHAN_CONFIG_KEYS) {
    const value = liveConfig[key];
    if (value === undefined || value === null) continue;
    // A key in its documented off state (https cert_id 0, range_back_source on, ...) is the same
    // as an absent key: declaring it would only add noise.
    if (normalizeKey(key, value, 'live', settings) === undefined) continue;
    let form: unknown;
    try {
      form = desiredForm(key, value, settings, domain);
    } catch (e) {
      warnings.push(
        `${domain}: ${key} left out (not managed): its live value cannot be expressed (${e instanceof Error ? e.message : String(e)})`,
      );
      continue;
    }
    secrets.push(...extractSecrets(key, form, value));
    full[key] = form;
    config[key] = withoutDefaults(BAISHAN_KEYS[key].value, prune(form, value));
  }
  return { domain, config, full, secrets };
}

/** The desired-state (POST) shape of one live key. */
function desiredForm(key: string, live: unknown, settings: BaishanSettings, domain: string): unknown {
  switch (key) {
    case 'visit_deny_whitelist': {
      // NOTE: C42 — GET shows `{url:[...]}`, the desired state takes the POST shape, per URL.
      const urls = [...new Set((whitelistUrls(live) ?? []).map((u) => u.trim()).filter((u) => u !== ''))];
      return urls.map((url) => ({ url, turn_on: true }));
    }
    case 'referer': {
      const form = asRecord(writeForm(key, live as DesiredValue, live, settings, { domain }));
      // The YAML always uses the POST numbering (1 blacklist, 2 whitelist), whatever the wire uses.
      const name = asRecord(normalizeKey(key, live, 'live', settings)).type;
      if (name === 'blacklist') form.type = 1;
      else if (name === 'whitelist') form.type = 2;
      return form;
    }
    default: {
      const form = writeForm(key, live as DesiredValue, live, settings, { domain });
      // Operation flags (an IP list's `mode: cover`, ...) are not state: the file has none.
      const flags = isBaishanConfigKey(key) ? BAISHAN_KEYS[key].flags : undefined;
      if (!flags) return form;
      return Object.fromEntries(Object.entries(asRecord(form)).filter(([k]) => !flags.includes(k)));
    }
  }
}

/**
 * Drops the fields the live value does not have (the walker filled their documented defaults):
 * the file then says what was set, not every default. Loading fills the same defaults back.
 */
function prune(form: unknown, live: unknown): unknown {
  if (Array.isArray(form)) {
    if (!Array.isArray(live) || live.length !== form.length) return form;
    return form.map((f, i) => prune(f, live[i]));
  }
  if (isPlainObject(form)) {
    if (!isPlainObject(live)) return form;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) {
      if (!(k in live) || live[k] === null || live[k] === '') continue;
      out[k] = prune(v, live[k]);
    }
    return out;
  }
  return form;
}

/**
 * Drops fields equal to their documented static default: loading fills the same value back, and
 * edgeform always writes complete objects, so the file says only what differs from the defaults.
 */
function withoutDefaults(spec: FieldSpec, form: unknown): unknown {
  if (spec.kind === 'list' && Array.isArray(form)) return form.map((f) => withoutDefaults(spec.item, f));
  if (spec.kind !== 'object' || !isPlainObject(form)) return form;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    const field = spec.fields[k];
    if (field === undefined) {
      out[k] = v;
      continue;
    }
    const d = 'default' in field && typeof field.default !== 'function' ? field.default : undefined;
    if (d !== undefined && stableStringify(d) === stableStringify(v)) continue;
    out[k] = withoutDefaults(field, v);
  }
  return out;
}

/** Replaces every secret field of `form` with a placeholder and reports it. */
function extractSecrets(key: string, form: unknown, live: unknown): FoundSecret[] {
  const found: FoundSecret[] = [];
  for (const f of SECRET_FIELDS.filter((s) => s.key === key)) {
    const name = f.path.replace(/^\[\]\./, '');
    const visitOne = (holder: unknown, liveHolder: unknown, at: (string | number)[]) => {
      if (!isPlainObject(holder)) return;
      const liveValue = isPlainObject(liveHolder) ? liveHolder[name] : undefined;
      if (liveValue === undefined || liveValue === null || liveValue === '') {
        delete holder[name];
        return;
      }
      const masked = isMaskedSecret(liveValue) || typeof liveValue !== 'string';
      found.push({
        field: `${key}.${name}`,
        at: [...at, name],
        key,
        masked,
        fingerprint: masked ? 'masked' : createHash('sha256').update(String(liveValue)).digest('hex'),
      });
      holder[name] = SECRET_PLACEHOLDER;
    };
    if (f.path.startsWith('[]')) {
      if (!Array.isArray(form)) continue;
      form.forEach((item, i) => {
        visitOne(item, Array.isArray(live) ? live[i] : undefined, [i]);
      });
    } else {
      visitOne(form, live, []);
    }
  }
  return found;
}

// ---- grouping -----------------------------------------------------------------------------------

interface Group {
  members: Converted[];
}

/**
 * Domains whose configs are identical share one entry. Secrets count by value (compared through a
 * hash held in memory only); a masked secret is unknown, so it never groups.
 */
function groupBySignature(items: readonly Converted[]): Group[] {
  const groups = new Map<string, Group>();
  for (const c of items) {
    const secrets = c.secrets.map((s) => ({
      at: [s.key, ...s.at],
      v: s.masked ? `masked:${c.domain}` : s.fingerprint,
    }));
    const sig = stableStringify({ config: c.config, secrets });
    const g = groups.get(sig);
    if (g) g.members.push(c);
    else groups.set(sig, { members: [c] });
  }
  return [...groups.values()];
}

interface DraftEntry {
  domains: string[];
  config: Record<string, unknown>;
  full: Record<string, unknown>;
}

interface Draft {
  entries: DraftEntry[];
  secrets: ExportedSecret[];
}

function buildEntries(groups: readonly Group[]): Draft {
  const entries: DraftEntry[] = [];
  const secrets: ExportedSecret[] = [];
  for (const g of groups) {
    const first = g.members[0]!;
    const domains = g.members.map((m) => m.domain);
    const config = structuredClone(first.config);
    const full = structuredClone(first.full);
    // List items are numbered (from 1) only when several items of the key hold secrets.
    const items = new Map<string, Set<string | number>>();
    for (const s of first.secrets) items.set(s.key, (items.get(s.key) ?? new Set()).add(s.at[0]!));
    for (const s of first.secrets) {
      const list = typeof s.at[0] === 'number' && (items.get(s.key)?.size ?? 0) > 1;
      const field = list ? `${s.key}_${Number(s.at[0]) + 1}_${String(s.at[1])}` : s.field;
      const variable = envName(first.domain, field);
      const ref = { env: variable };
      setAt(config, [s.key, ...s.at], ref);
      setAt(full, [s.key, ...s.at], ref);
      secrets.push({ variable, field: s.field, domains, masked: s.masked });
    }
    entries.push({ domains, config, full });
  }
  return { entries, secrets };
}

/** `EDGEFORM_<DOMAIN>_<FIELD>`, e.g. EDGEFORM_IMG_EXAMPLE_COM_VISIT_TIMESTAMP_KEY. */
export function envName(domain: string, field: string): string {
  const part = (s: string) =>
    s
      .replace(/^\*\./, 'wildcard.')
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  return `EDGEFORM_${part(domain)}_${part(field)}`;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) {
    node = Array.isArray(node) ? node[seg as number] : isPlainObject(node) ? node[seg] : undefined;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) node[last as number] = value;
  else if (isPlainObject(node)) node[last] = value;
}

// ---- rendering and self-check --------------------------------------------------------------------

function renderYaml(draft: Draft, stack: string, schemaRef: string | undefined): string {
  const body = {
    version: 1,
    stack,
    baishan: {
      domains: draft.entries.map((e) => ({
        ...(e.domains.length === 1 ? { domain: e.domains[0] } : { domains: e.domains }),
        config: e.config,
      })),
    },
  };
  const doc = new Document(body);
  visit(doc, EXAMPLE_STYLE);
  const seq = doc.getIn(['baishan', 'domains'], true);
  if (seq && typeof seq === 'object' && 'items' in seq && Array.isArray(seq.items)) {
    for (const [i, item] of seq.items.entries()) {
      if (i > 0 && item && typeof item === 'object' && !isScalar(item)) {
        (item as { spaceBefore?: boolean }).spaceBefore = true;
      }
    }
  }
  const lines: string[] = [];
  if (schemaRef) lines.push(`# yaml-language-server: $schema=${schemaRef}`, '#');
  const n = draft.entries.reduce((k, e) => k + e.domains.length, 0);
  lines.push(
    `# Written by \`edgeform export\` from the live configuration of ${n} Baishan domain${n === 1 ? '' : 's'}.`,
    '# Every key set live is declared; keys not declared here are not managed (add `exclusive: true`',
    '# to an entry to own all of its keys). `edgeform plan -f THIS_FILE` should say "No changes."',
  );
  const vars = [...new Set(draft.secrets.map((s) => s.variable))];
  if (vars.length > 0) {
    lines.push(
      '#',
      '# Secrets are not in this file. Set these environment variables before plan or apply:',
      ...vars.map((v) => `#   ${v}`),
    );
  }
  return `${lines.join('\n')}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

/**
 * Loads the file the way `edgeform validate` would (placeholder values for its secret variables).
 * A key the loader refuses is first written in full (defaults filled), then left out with a warning:
 * an unmanaged key is safe, an invalid file is not.
 */
function selfCheck(
  draft: Draft,
  stack: string,
  schemaRef: string | undefined,
): { draft: Draft; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'edgeform-export-'));
  const warnings: string[] = [];
  const env: NodeJS.ProcessEnv = {};
  for (const s of draft.secrets) env[s.variable] = 'placeholder';
  const expanded = new Set<string>();
  try {
    for (let round = 0; round < 4; round++) {
      const file = join(dir, 'exported.yaml');
      writeFileSync(file, renderYaml(draft, stack, schemaRef));
      const { diagnostics } = loadStack([file], { cwd: dir, env });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (errors.length === 0) {
        for (const d of diagnostics) warnings.push(describe(d, draft));
        return { draft, warnings };
      }
      const unplaced: Diagnostic[] = [];
      for (const d of errors) {
        const m = /^baishan\.domains\[(\d+)\]\.config\.([a-z_]+)/.exec(d.path);
        const entry = m ? draft.entries[Number(m[1])] : undefined;
        const key = m?.[2];
        if (!entry || key === undefined || !(key in entry.config)) {
          unplaced.push(d);
          continue;
        }
        const id = `${m![1]}.${key}`;
        if (!expanded.has(id) && stableStringify(entry.config[key]) !== stableStringify(entry.full[key])) {
          expanded.add(id);
          entry.config[key] = entry.full[key];
        } else {
          delete entry.config[key];
          delete entry.full[key];
          draft.secrets = draft.secrets.filter(
            (s) => !(s.field.startsWith(`${key}.`) && s.domains === entry.domains),
          );
          warnings.push(
            `${entry.domains.join(', ')}: ${key} left out (not managed): the live value is not valid desired state (${d.message})`,
          );
        }
      }
      if (unplaced.length > 0) {
        throw new EdgeformError({
          code: 'EXPORT_INVALID_OUTPUT',
          source: 'internal',
          message: 'the exported file does not validate',
          details: unplaced.map((d) => `${d.path}: ${d.message}`),
          resolution: 'This is a bug in edgeform. Re-run with --debug and report the output.',
        });
      }
    }
    throw new EdgeformError({
      code: 'EXPORT_INVALID_OUTPUT',
      source: 'internal',
      message: 'the exported file still does not validate after leaving out the refused keys',
      resolution: 'This is a bug in edgeform. Re-run with --debug and report the output.',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(d: Diagnostic, draft: Draft): string {
  const m = /^baishan\.domains\[(\d+)\]/.exec(d.path);
  const entry = m ? draft.entries[Number(m[1])] : undefined;
  const where = entry && !d.message.includes(entry.domains[0]!) ? `${entry.domains.join(', ')}: ` : '';
  return `${where}${d.message} — ${d.fix}`;
}

function asRecord(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? { ...v } : {};
}
