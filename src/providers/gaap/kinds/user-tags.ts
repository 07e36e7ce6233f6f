import { RESERVED_TAG_PREFIX } from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import type { LiveNode } from '../engine/node-types.js';

type TagPair = { TagKey: string; TagValue: string };
type TagSet = readonly TagPair[] | null | undefined;

/**
 * A root's user tags (cost allocation and the like): every tag but edgeform's own. Managed only
 * when the YAML declares `tags`; then exactly those, so a tag someone else added is removed.
 */
export const USER_TAG_ATTRS = { userTags: 'userTags' } as const;

const isUser = (key: string) => !key.toLowerCase().startsWith(RESERVED_TAG_PREFIX);

function sorted(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The `userTags` attribute of a declaration; none (not compared) when it declares no `tags`. */
export function desiredUserTags(tags: Record<string, string> | undefined): {
  userTags?: Record<string, string>;
} {
  return tags === undefined ? {} : { userTags: sorted(tags) };
}

export function liveUserTags(set: TagSet): { userTags: Record<string, string> } {
  return {
    userTags: sorted(
      Object.fromEntries((set ?? []).filter((t) => isUser(t.TagKey)).map((t) => [t.TagKey, t.TagValue])),
    ),
  };
}

/** The user tags of a create, after edgeform's own in its TagSet. */
export function userTagSet(tags: Record<string, string> | undefined): TagPair[] {
  return Object.entries(tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

/**
 * One ModifyResourceTags call (the Tag API: GAAP has no action that changes an existing object's
 * tags): the declared user tags set, the live ones no longer declared deleted. edgeform's own tags
 * are never in it.
 */
export function userTagStep(
  resource: string,
  node: { attrs: Record<string, unknown> },
  live: LiveNode,
  b: StepBuilder,
): void {
  const want = (node.attrs.userTags ?? {}) as Record<string, string>;
  const have = (live.attrs.userTags ?? {}) as Record<string, string>;
  const set = Object.entries(want).filter(([k, v]) => have[k] !== v);
  const removed = Object.keys(have).filter((k) => !(k in want));
  // NOTE: ReplaceTags and DeleteTags take at most 10 tags each: more makes more calls.
  const calls = [];
  for (let i = 0; i < Math.max(set.length, removed.length); i += MAX_TAGS_PER_CALL) {
    const replace = set.slice(i, i + MAX_TAGS_PER_CALL);
    const del = removed.slice(i, i + MAX_TAGS_PER_CALL);
    calls.push({
      action: 'ModifyResourceTags',
      params: {
        Resource: resource,
        ...(replace.length > 0
          ? { ReplaceTags: replace.map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }
          : {}),
        ...(del.length > 0 ? { DeleteTags: del.map((TagKey) => ({ TagKey })) } : {}),
      },
    });
  }
  b.add({
    operation: 'update',
    summary: `ModifyResourceTags ${live.id}: user tags ${[
      ...set.map(([k, v]) => `${k}=${v}`),
      ...removed.map((k) => `-${k}`),
    ].join(', ')}`,
    calls,
  });
}

const MAX_TAGS_PER_CALL = 10;

/** Export writes a root's user tags when it has any. */
export function exportUserTags(attrs: Record<string, unknown>): { tags?: Record<string, string> } {
  const tags = attrs.userTags as Record<string, string> | undefined;
  return tags && Object.keys(tags).length > 0 ? { tags } : {};
}
