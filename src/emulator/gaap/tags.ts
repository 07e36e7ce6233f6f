import { createHash } from 'node:crypto';
import { fail } from './errors.js';
import { keyOf, tableOf } from './relations.js';
import { GAAP_RESOURCES } from './resources/registry.js';
import type { Ctx, GaapState, Output, Params, ResourceModule, TagPair } from './state.js';
import { ordered } from './state.js';
import { EMULATOR_UIN } from './tag-catalog.js';

/**
 * The Tag API (tag.tencentcloudapi.com, version 2018-08-13), as far as it concerns GAAP's taggable
 * roots: proxies, proxy groups, real servers and global domains. Served on the GAAP emulator's port
 * and told apart by X-TC-Version; it reads and writes the same TagSet the GAAP Describe* calls show.
 * Shapes from the public Tag API documentation (TagResources, UnTagResources, ModifyResourceTags,
 * GetResources, DescribeResourceTagsByResourceIds) and the official SDK's models.
 */
/** Resource prefix (the part before `/` in the last segment) → its kind (`ResourceModule.tags`). */
const PREFIXES: ReadonlyMap<string, ResourceModule> = new Map(
  GAAP_RESOURCES.flatMap((m) => (m.tags ? [[m.tags.prefix, m] as const] : [])),
);
type Prefix = string;

interface Taggable {
  seq: number;
  TagSet: TagPair[];
}

function isTaggable(rec: object): rec is Taggable {
  return Array.isArray(Reflect.get(rec, 'TagSet'));
}

/** A record its kind has marked gone (a destroyed proxy still DESTROYING) is not a resource any more. */
const gone = (m: ResourceModule, rec: object) =>
  m.goneWhen !== undefined && Reflect.get(rec, m.goneWhen.field) === m.goneWhen.value;

interface ResourceName {
  prefix: Prefix;
  id: string;
}

/** Tags on one resource; documented limit. */
const MAX_TAGS_PER_RESOURCE = 50;
const RESERVED = /^(qcloud|tencent|project)/i;
/** Letters (any script), digits, spaces and + - = . _ : / @ ( ) [ ] （ ） 【 】. */
const ALLOWED = /^[\p{L}\p{N} +\-=._:/@()[\]（）【】]*$/u;

/**
 * `qcs::gaap:<region>:uin/<uin>:<prefix>/<id>`. NOTE: GAAP objects are not regional (its actions
 * ignore Region), so the region segment is accepted as given and left empty in answers; the uin
 * may be empty (`uin/:`, as the Terraform provider writes it: the caller's own account) or this
 * account's.
 */
function parseResource(text: unknown): ResourceName {
  const bad = (why: string): never =>
    fail(
      'InvalidParameterValue.ResourceDescriptionError',
      `The resource description \`${String(text)}\` ${why}.`,
    );
  if (typeof text !== 'string') return bad('is not a string');
  const m = /^qcs::([^:]*):([^:]*):uin\/([^:]*):([^/:]+)\/(.+)$/.exec(text);
  if (!m) return bad('is not a six-segment name qcs::SERVICE:REGION:uin/UIN:PREFIX/ID');
  const [service, uin, prefix, id] = [m[1] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? ''];
  if (service !== 'gaap') return bad(`names service ${service}; this emulator holds gaap resources only`);
  if (uin !== '' && uin !== EMULATOR_UIN)
    fail('InvalidParameterValue.UinInvalid', `The uin ${uin} is not this account's (${EMULATOR_UIN}).`);
  if (!PREFIXES.has(prefix))
    return bad(`has resource prefix ${prefix}; GAAP's are ${[...PREFIXES.keys()].join(', ')}`);
  return { prefix, id };
}

export function resourceName(prefix: Prefix, id: string): string {
  return `qcs::gaap::uin/${EMULATOR_UIN}:${prefix}/${id}`;
}

function lookup(state: GaapState, r: ResourceName): Taggable | undefined {
  const m = PREFIXES.get(r.prefix);
  if (!m) return undefined;
  const table: Record<string, object> = tableOf(state, m.table);
  const rec = Object.hasOwn(table, r.id) ? table[r.id] : undefined;
  return rec && isTaggable(rec) && !gone(m, rec) ? rec : undefined;
}

function checkTag(key: unknown, value: unknown): void {
  if (typeof key !== 'string' || key === '') fail('InvalidParameterValue.TagKeyEmpty', 'A tag key is empty.');
  if ([...key].length > 127)
    fail(
      'InvalidParameterValue.TagKeyLengthExceeded',
      `The tag key \`${key}\` is longer than 127 characters.`,
    );
  if (!ALLOWED.test(key))
    fail(
      'InvalidParameterValue.TagKeyCharacterIllegal',
      `The tag key \`${key}\` has a character tags do not allow.`,
    );
  if (RESERVED.test(key))
    fail(
      'InvalidParameterValue.ReservedTagKey',
      `The tag key \`${key}\` is reserved (qcloud, tencent and project prefixes are the system's).`,
    );
  if (value === undefined) return;
  if (typeof value !== 'string') fail('InvalidParameter', `The value of tag \`${key}\` is not a string.`);
  if ([...value].length > 255)
    fail(
      'InvalidParameterValue.TagValueLengthExceeded',
      `The value of tag \`${key}\` is longer than 255 characters.`,
    );
  if (!ALLOWED.test(value))
    fail(
      'InvalidParameterValue.TagValueCharacterIllegal',
      `The value of tag \`${key}\` has a character tags do not allow.`,
    );
}

function tagList(p: Params, name: string, required: boolean): TagPair[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) {
    if (required) fail('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
    return undefined;
  }
  if (!Array.isArray(v)) fail('InvalidParameter', `\`${name}\` must be an array.`);
  if (v.length === 0) fail('InvalidParameterValue', `\`${name}\` must not be an empty array.`);
  if (v.length > 10) fail('LimitExceeded', `\`${name}\` takes at most 10 tags.`);
  const keys = new Set<string>();
  return v.map((t: unknown) => {
    const tag = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    checkTag(tag.TagKey, tag.TagValue ?? '');
    const key = tag.TagKey as string;
    if (keys.has(key))
      fail('InvalidParameterValue.TagKeyDuplicate', `The tag key \`${key}\` is given twice.`);
    keys.add(key);
    return { TagKey: key, TagValue: typeof tag.TagValue === 'string' ? tag.TagValue : '' };
  });
}

function stringList(p: Params, name: string, max: number, required: boolean): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) {
    if (required) fail('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
    return undefined;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    fail('InvalidParameter', `\`${name}\` must be an array of strings.`);
  if (required && v.length === 0) fail('InvalidParameterValue', `\`${name}\` must not be empty.`);
  if (v.length > max) fail('LimitExceeded', `\`${name}\` takes at most ${max} values.`);
  return v as string[];
}

function onlyKnown(p: Params, known: readonly string[]): void {
  for (const k of Object.keys(p)) {
    if (!known.includes(k)) fail('UnknownParameter', `The parameter \`${k}\` is not recognized.`);
  }
}

/** Sets (or replaces the value of) each tag; the documented per-resource limit holds after. */
function replaceTags(rec: Taggable, tags: readonly TagPair[]): void {
  const next = rec.TagSet.map((t) => ({ ...t }));
  for (const t of tags) {
    const have = next.find((x) => x.TagKey === t.TagKey);
    if (have) have.TagValue = t.TagValue;
    else next.push({ ...t });
  }
  if (next.length > MAX_TAGS_PER_RESOURCE)
    fail('LimitExceeded.ResourceAttachedTags', `A resource carries at most ${MAX_TAGS_PER_RESOURCE} tags.`);
  rec.TagSet = next;
}

function removeTags(rec: Taggable, keys: readonly string[]): void {
  rec.TagSet = rec.TagSet.filter((t) => !keys.includes(t.TagKey));
}

interface FailedResource {
  Resource: string;
  Code: string;
  Message: string;
}

/**
 * TagResources / UnTagResources act on each listed resource; one that does not exist is reported
 * in FailedResources and the others are still changed (the documented partial answer).
 */
function eachResource(ctx: Ctx, list: readonly string[], act: (rec: Taggable) => void): Output {
  const failed: FailedResource[] = [];
  for (const text of list) {
    const r = parseResource(text);
    const rec = lookup(ctx.state, r);
    if (!rec) {
      failed.push({ Resource: text, Code: 'ResourceNotFound', Message: `No ${r.prefix} ${r.id} exists.` });
      continue;
    }
    act(rec);
  }
  return { FailedResources: failed };
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** Every taggable GAAP root, in a stable order (kind, then creation). */
function allResources(state: GaapState): { name: string; id: string; prefix: Prefix; rec: Taggable }[] {
  return [...PREFIXES].flatMap(([prefix, m]) =>
    ordered(tableOf(state, m.table))
      .filter((rec): rec is typeof rec & Taggable => isTaggable(rec) && !gone(m, rec))
      .map((rec) => {
        const id = keyOf(m.key, rec);
        return { name: resourceName(prefix, id), id, prefix, rec };
      }),
  );
}

type TagHandler = (ctx: Ctx, p: Params) => Output;

const handlers: Record<string, TagHandler> = {
  TagResources(ctx, p) {
    onlyKnown(p, ['ResourceList', 'Tags']);
    const list = stringList(p, 'ResourceList', 10, true)!;
    const tags = tagList(p, 'Tags', true)!;
    return eachResource(ctx, list, (rec) => replaceTags(rec, tags));
  },

  UnTagResources(ctx, p) {
    onlyKnown(p, ['ResourceList', 'TagKeys']);
    const list = stringList(p, 'ResourceList', 10, true)!;
    const keys = stringList(p, 'TagKeys', 10, true)!;
    for (const k of keys) checkTag(k, undefined);
    return eachResource(ctx, list, (rec) => removeTags(rec, keys));
  },

  ModifyResourceTags(ctx, p) {
    onlyKnown(p, ['Resource', 'ReplaceTags', 'DeleteTags']);
    if (p.Resource === undefined)
      fail('MissingParameter', 'The request is missing a required parameter `Resource`.');
    const r = parseResource(p.Resource);
    const replace = tagList(p, 'ReplaceTags', false);
    const deleteList = p.DeleteTags;
    if (deleteList !== undefined && (!Array.isArray(deleteList) || deleteList.length === 0))
      fail('InvalidParameterValue', '`DeleteTags` must be a non-empty array of {TagKey}.');
    const deleteKeys = ((deleteList as { TagKey?: unknown }[] | undefined) ?? []).map((t) => {
      checkTag(t?.TagKey, undefined);
      return t.TagKey as string;
    });
    if (!replace && deleteKeys.length === 0)
      fail('MissingParameter', 'ModifyResourceTags needs ReplaceTags or DeleteTags.');
    if (deleteKeys.length > 10) fail('LimitExceeded', '`DeleteTags` takes at most 10 tags.');
    if (replace?.some((t) => deleteKeys.includes(t.TagKey)))
      fail('InvalidParameterValue.DeleteTagsParamError', 'ReplaceTags and DeleteTags name the same tag key.');
    const rec = lookup(ctx.state, r);
    if (!rec) fail('ResourceNotFound', `No ${r.prefix} ${r.id} exists.`);
    removeTags(rec, deleteKeys);
    if (replace) replaceTags(rec, replace);
    return {};
  },

  GetResources(ctx, p) {
    onlyKnown(p, ['ResourceList', 'TagFilters', 'PaginationToken', 'MaxResults']);
    const list = stringList(p, 'ResourceList', 10, false);
    const filters = p.TagFilters;
    if (filters !== undefined && (!Array.isArray(filters) || filters.length > 6))
      fail('InvalidParameterValue', '`TagFilters` takes at most 6 filters.');
    const wanted = ((filters as { TagKey?: unknown; TagValue?: unknown }[] | undefined) ?? []).map((f) => {
      checkTag(f?.TagKey, undefined);
      const values = f.TagValue;
      if (values !== undefined && (!Array.isArray(values) || values.length > 10))
        fail('InvalidParameterValue', 'A TagFilter takes at most 10 TagValue.');
      return { key: f.TagKey as string, values: values as string[] | undefined };
    });
    const max = typeof p.MaxResults === 'number' ? p.MaxResults : 50;
    if (!Number.isInteger(max) || max < 1 || max > 200)
      fail('InvalidParameterValue', '`MaxResults` is 1 to 200.');
    // Every filter must hold (AND); within one, any of its values (OR); no value: any value.
    const matches = (tags: readonly TagPair[]) =>
      wanted.every((f) =>
        tags.some((t) => t.TagKey === f.key && (!f.values || f.values.includes(t.TagValue))),
      );
    let items = allResources(ctx.state);
    if (list) {
      // Listed resources are answered whatever MaxResults says (documented); unknown ones are skipped.
      const ids = new Set(
        list.map((text) => {
          const r = parseResource(text);
          return `${r.prefix}/${r.id}`;
        }),
      );
      items = items.filter((x) => ids.has(`${x.prefix}/${x.id}`) && matches(x.rec.TagSet));
      return { PaginationToken: '', ResourceTagMappingList: items.map(mapping) };
    }
    items = items.filter((x) => x.rec.TagSet.length > 0 && matches(x.rec.TagSet));
    const token = typeof p.PaginationToken === 'string' ? p.PaginationToken : '';
    const offset = token === '' ? 0 : Number(token);
    if (!Number.isInteger(offset) || offset < 0)
      fail('InvalidParameter.PaginationTokenInvalid', 'The PaginationToken is not one this API returned.');
    const pageItems = items.slice(offset, offset + max);
    const next = offset + max < items.length ? String(offset + max) : '';
    return { PaginationToken: next, ResourceTagMappingList: pageItems.map(mapping) };
  },

  DescribeResourceTagsByResourceIds(ctx, p) {
    onlyKnown(p, [
      'ServiceType',
      'ResourcePrefix',
      'ResourceIds',
      'ResourceRegion',
      'Offset',
      'Limit',
      'Category',
    ]);
    for (const k of ['ServiceType', 'ResourcePrefix', 'ResourceRegion'])
      if (typeof p[k] !== 'string')
        fail('MissingParameter', `The request is missing a required parameter \`${k}\`.`);
    const ids = stringList(p, 'ResourceIds', 50, true)!;
    const prefix = p.ResourcePrefix as string;
    if (p.ServiceType !== 'gaap' || !PREFIXES.has(prefix))
      fail(
        'InvalidParameterValue.ResourceDescriptionError',
        `No gaap resources of prefix ${prefix} are held here.`,
      );
    const limit = typeof p.Limit === 'number' ? p.Limit : 15;
    const offset = typeof p.Offset === 'number' ? p.Offset : 0;
    if (limit < 1 || offset < 0 || offset % limit !== 0)
      fail('InvalidParameterValue', '`Offset` must be a multiple of `Limit`.');
    const tags = ids.flatMap((id) => {
      const rec = lookup(ctx.state, { prefix, id });
      return (rec?.TagSet ?? []).map((t) => ({
        TagKey: t.TagKey,
        TagValue: t.TagValue,
        ResourceId: id,
        TagKeyMd5: md5(t.TagKey),
        TagValueMd5: md5(t.TagValue),
        ServiceType: 'gaap',
        Category: 'Custom',
      }));
    });
    return {
      TotalCount: tags.length,
      Offset: offset,
      Limit: limit,
      Tags: tags.slice(offset, offset + limit),
    };
  },
};

function mapping(x: { name: string; rec: Taggable }) {
  return { Resource: x.name, Tags: x.rec.TagSet.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) };
}

export function tagHandlerFor(action: string): TagHandler | undefined {
  return Object.hasOwn(handlers, action) ? handlers[action] : undefined;
}
