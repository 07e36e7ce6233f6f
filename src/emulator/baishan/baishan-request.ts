import { isPlainObject } from '../../core/json.js';
import type { EmulatorRequest } from '../emulator-types.js';
import { badRequest, errors } from './baishan-errors.js';

/** The parameters of one call, wherever the caller put them. */
export interface CallParams {
  /** Every token sent (query, then body): [001]'s examples use either place, some both. */
  tokens: string[];
  domains: unknown;
  /** POST: the raw `config` value. GET (JSON body form): the raw key selection. */
  bodyConfig: unknown;
  /** Set when the body could not be read; reported after authentication. */
  bodyError?: string;
}

const MAX_DOMAINS = 10;
const DOMAIN_NAME =
  /^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function readParams(req: EmulatorRequest): CallParams {
  const body = readBody(req);
  const tokens = [req.query.get('token'), body.fields.token].filter(
    (t): t is string => typeof t === 'string' && t.length > 0,
  );
  const params: CallParams = {
    tokens,
    domains: body.fields.domains ?? req.query.get('domains') ?? undefined,
    bodyConfig: body.fields.config,
  };
  if (body.error !== undefined) params.bodyError = body.error;
  return params;
}

/**
 * [001]: "parameters may be form-data, x-www-form-urlencoded or JSON". All three are read; in the
 * two form encodings `config` is a JSON string (NOTE: how a nested object is form-encoded is not
 * stated).
 */
function readBody(req: EmulatorRequest): { fields: Record<string, unknown>; error?: string } {
  const text = req.body.toString('utf8').trim();
  if (text === '') return { fields: {} };
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) return readForm(new URLSearchParams(text));
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    if (!boundary) return { fields: {}, error: 'multipart/form-data without a boundary' };
    return readForm(multipartFields(req.body.toString('utf8'), boundary[1] ?? boundary[2] ?? ''));
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPlainObject(parsed)) return { fields: parsed };
    return { fields: {}, error: 'The request body must be a JSON object' };
  } catch {
    return { fields: {}, error: 'The request body is not valid JSON' };
  }
}

/** The plain-text fields of a multipart/form-data body (file parts are not expected here). */
function multipartFields(body: string, boundary: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const part of body.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(part.slice(0, split));
    if (name?.[1] !== undefined) fields.append(name[1], part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return fields;
}

function readForm(form: URLSearchParams): { fields: Record<string, unknown>; error?: string } {
  const fields: Record<string, unknown> = Object.fromEntries(form.entries());
  const config = form.get('config');
  if (config !== null) {
    try {
      fields.config = JSON.parse(config);
    } catch {
      return { fields, error: 'config must be a JSON string in a form-encoded body' };
    }
  }
  return { fields };
}

/** The `domains` parameter: 1–10 comma-separated names, duplicates folded, request order kept. */
export function parseDomains(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') throw errors.requiresInput('domains');
  if (typeof raw !== 'string') throw errors.bindException('domains', JSON.stringify(raw), 'string');
  const names: string[] = [];
  for (const name of raw.split(',')) {
    if (!DOMAIN_NAME.test(name)) throw errors.invalidDomainName(name);
    if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name);
  }
  if (names.length > MAX_DOMAINS) {
    throw badRequest(`Too many domains: at most ${MAX_DOMAINS} per call, received ${names.length}`);
  }
  return names;
}

/**
 * GET's key selection: `config[]=a&config[]=b` ([003]; `config%5B%5D` decodes to the same),
 * `config=a,b`, or a `config` array in a JSON body ([003] sample 2). Empty = every key.
 */
export function readSelection(req: EmulatorRequest, bodyConfig: unknown): string[] {
  const fromQuery = [...req.query.getAll('config[]'), ...req.query.getAll('config')];
  let raw: unknown[] = fromQuery;
  if (fromQuery.length === 0) {
    if (Array.isArray(bodyConfig)) raw = bodyConfig;
    else if (typeof bodyConfig === 'string') raw = [bodyConfig];
    else if (bodyConfig !== undefined) {
      throw errors.bindException('config', JSON.stringify(bodyConfig), 'an array of config key names');
    }
  }
  return raw
    .flatMap((v) => String(v).split(','))
    .map((k) => k.trim())
    .filter((k) => k !== '');
}
