#!/usr/bin/env node
// Extracts the documented example request/response pairs from the GAAP seed (002) into a committed
// fixture, so the replay test runs without the seed and a second test proves the fixture is current
// when the seed is present. Usage: node scripts/extract-seed-examples.mjs [--check] [SEEDS_DIR]
//
// The seed is PDF-to-text: page headers, titles and links are interleaved with the JSON of the
// examples. Lines that cannot be JSON (not starting with a quote, a bracket, a digit, a sign or a
// literal) are dropped inside an example; every example must then parse, or the script fails.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const GAAP_SEED = '002_a10919ec88a387af.txt';
export const FIXTURE = join(repo, 'test/fixtures/seed-examples/gaap-examples.json');
export const REGION_DATA = join(repo, 'src/emulator/gaap/seed-regions.json');
export const BAISHAN_FIXTURE = join(repo, 'test/fixtures/seed-examples/baishan-samples.json');
const BAISHAN_POST_SEED = '001_411f7f2335c45c94.txt';
const BAISHAN_GET_SEED = '003_f1a754865ca7727a.txt';

/** Where the shared seeds may sit relative to a clone (CI: `shared/` beside the clone). */
export function findSeedsDir(explicit) {
  const candidates = [
    explicit,
    process.env.EDGEFORM_SEEDS_DIR,
    join(repo, '../shared/seeds'),
    join(repo, '../../shared/seeds'),
    '/work/shared/seeds',
  ].filter(Boolean);
  return candidates.find((d) => existsSync(join(d, GAAP_SEED)));
}

const JSON_LINE = /^\s*(["{}[\]\d-]|true|false|null)/;

/** Collects one JSON value starting at line i; returns [value, nextLine]. */
function readJson(lines, i, where) {
  while (i < lines.length && !lines[i].trim().startsWith('{')) i++;
  const kept = [];
  let depth = 0;
  let inString = false;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || (kept.length > 0 && !inString && !JSON_LINE.test(line))) continue;
    kept.push(line);
    for (let k = 0; k < line.length; k++) {
      const c = line[k];
      if (inString) {
        if (c === '\\') k++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
    // A string the PDF wrapped continues on the next line without a newline of its own.
    if (!inString) kept.push('\n');
    if (depth === 0) break;
  }
  const text = kept.join('');
  try {
    return [JSON.parse(text), i + 1];
  } catch (e) {
    throw new Error(`${where}: example does not parse as JSON (${e.message}):\n${text.slice(0, 400)}`);
  }
}

export function extractGaapExamples(text) {
  const lines = text.split('\n');
  const examples = [];
  let action = '';
  let title = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const a = /^Action 是 String 公共参数，本接口取值：(\w+)。/.exec(line);
    if (a) action = a[1];
    const t = /^示例(\d+)\s*(.*)$/.exec(line.trim());
    if (t) title = line.trim();
    if (line.trim() !== '输入示例') continue;
    const where = `002 line ${i + 1} (${action})`;
    let j = i + 1;
    let headerAction = '';
    let method = 'POST';
    for (; j < lines.length && !lines[j].trim().startsWith('{'); j++) {
      const h = /^X-TC-Action:\s*(\w+)/.exec(lines[j].trim());
      if (h) headerAction = h[1];
      if (/^GET /.test(lines[j].trim())) method = 'GET';
    }
    const [request, afterRequest] = readJson(lines, j, where);
    let k = afterRequest;
    while (k < lines.length && lines[k].trim() !== '输出示例') k++;
    const [response, next] = readJson(lines, k + 1, where);
    examples.push({
      line: i + 1,
      action,
      ...(headerAction && headerAction !== action ? { headerAction } : {}),
      title,
      method,
      request,
      response,
    });
    i = next - 1;
  }
  return examples;
}

function walk(v, visit, parent) {
  if (Array.isArray(v)) for (const x of v) walk(x, visit, parent);
  else if (v && typeof v === 'object') {
    visit(v, parent);
    for (const x of Object.values(v)) walk(x, visit, v);
  }
}

/**
 * The region and country data the examples' answers show. An old area ID (NorthChina, ...) is the
 * RegionArea of the city region whose name says it replaced it: "北京（原中国大陆-华北大区）".
 */
export function extractRegionData(examples) {
  const regions = new Map();
  const countries = new Map();
  const area = (code, name) => {
    if (code && !countries.has(code)) countries.set(code, { code, name: name ?? code, level: 'area' });
  };
  // The region listings (DescribeRegionAndPrice, Describe*Regions) first: their records are whole.
  const listingsFirst = [...examples].sort(
    (a, b) => Number(/Region/.test(b.action)) - Number(/Region/.test(a.action)),
  );
  for (const ex of listingsFirst) {
    walk(ex.response, (o, parent) => {
      if (typeof o.RegionId === 'string') {
        const prev = regions.get(o.RegionId) ?? {};
        const next = { ...prev };
        for (const k of [
          'RegionId',
          'RegionName',
          'RegionArea',
          'RegionAreaName',
          'IDCType',
          'FeatureBitmap',
        ]) {
          if (o[k] !== undefined && o[k] !== null && next[k] === undefined) next[k] = o[k];
        }
        regions.set(o.RegionId, next);
      }
      if (typeof o.NationCountryInnerCode === 'string' && !countries.has(o.NationCountryInnerCode)) {
        const zone = o.GeographicalZoneInnerCode ?? parent?.GeographicalZoneInnerCode;
        const continent = o.ContinentInnerCode ?? parent?.ContinentInnerCode;
        countries.set(o.NationCountryInnerCode, {
          code: o.NationCountryInnerCode,
          name: o.NationCountryName,
          level: 'country',
          zone,
          continent,
        });
      }
    });
  }
  for (const ex of examples) {
    walk(ex.response, (o) => {
      if (typeof o.GeographicalZoneInnerCode === 'string')
        area(o.GeographicalZoneInnerCode, o.GeographicalZoneName);
      if (typeof o.ContinentInnerCode === 'string') area(o.ContinentInnerCode, o.ContinentName);
    });
  }
  const replaced = {};
  for (const r of regions.values()) {
    if (typeof r.RegionName === 'string' && r.RegionName.includes('（原') && r.RegionArea)
      replaced[r.RegionArea] = r.RegionId;
  }
  const byId = (a, b) => (a.RegionId < b.RegionId ? -1 : a.RegionId > b.RegionId ? 1 : 0);
  return {
    source: GAAP_SEED,
    regions: [...regions.values()].filter((r) => !(r.RegionId in replaced)).sort(byId),
    replaced,
    countries: [...countries.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  };
}

/** The Baishan samples are JSON with `//` comments, `...` elisions and trailing commas. */
function looseJson(text, where) {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  const cleaned = out
    .split('\n')
    .filter((l) => l.trim() !== '...')
    .join('\n')
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(cleaned);
  } catch (e) {
    throw new Error(`${where}: sample does not parse (${e.message})`);
  }
}

/** 001's `curl -X POST ... -d '{...}'` samples, and 003's two GET samples with the answer. */
export function extractBaishanSamples(post, get) {
  const posts = [];
  const curl = /curl -X POST[^\n]*\n(?:[^\n]*\n)*?\s*-d '([\s\S]*?)'\s*\n/g;
  for (let m = curl.exec(post); m; m = curl.exec(post)) {
    const line = post.slice(0, m.index).split('\n').length;
    posts.push({ line, body: looseJson(m[1], `001 line ${line}`) });
  }
  const query = /curl -X GET '[^?']*\?([^']*)'/.exec(get);
  const jsonBody = /curl -X GET[^\n]*\n[\s\S]*?-d '([\s\S]*?)'/.exec(get);
  // The answer runs from "Json format." to the rate-limit headers that follow it.
  const answer = /Json format\.\n(\{[\s\S]*?)\nHTTP\//.exec(get);
  if (!query || !jsonBody || !answer) throw new Error('003: a GET sample or the answer was not found');
  return {
    source: [BAISHAN_POST_SEED, BAISHAN_GET_SEED],
    post: posts,
    get: {
      query: query[1],
      body: looseJson(jsonBody[1], '003 sample 2'),
      response: looseJson(answer[1], '003 answer'),
    },
  };
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const dir = findSeedsDir(args.find((a) => !a.startsWith('--')));
  if (!dir) {
    console.error('seed 002 not found: pass the seeds directory or set EDGEFORM_SEEDS_DIR');
    process.exit(2);
  }
  const examples = extractGaapExamples(readFileSync(join(dir, GAAP_SEED), 'utf8'));
  const outputs = [
    [FIXTURE, { source: GAAP_SEED, count: examples.length, examples }],
    [REGION_DATA, extractRegionData(examples)],
    [
      BAISHAN_FIXTURE,
      extractBaishanSamples(
        readFileSync(join(dir, BAISHAN_POST_SEED), 'utf8'),
        readFileSync(join(dir, BAISHAN_GET_SEED), 'utf8'),
      ),
    ],
  ];
  for (const [file, data] of outputs) {
    const out = `${JSON.stringify(data, null, 2)}\n`;
    if (!check) {
      writeFileSync(file, out);
      console.log(`→ ${file}`);
    } else if ((existsSync(file) ? readFileSync(file, 'utf8') : '') !== out) {
      console.error(`${file} is stale: run node scripts/extract-seed-examples.mjs`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
