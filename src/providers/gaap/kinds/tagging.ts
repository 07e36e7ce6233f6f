import type { StepBuilder } from '../engine/kind-handler.js';
import { NAME_TAG, ownershipTags, STACK_TAG, tagValue } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { type GaapTagPrefix, gaapResourceName } from '../tag-api.js';
import { desiredUserTags, liveUserTags, USER_TAG_ATTRS, userTagSet, userTagStep } from './user-tags.js';

/** Recorded on a protected root, so removing its declaration cannot remove the protection. */
export const PROTECT_TAG = 'edgeform:protect';

type Tags = readonly { TagKey: string; TagValue: string }[] | null | undefined;

/**
 * The edgeform tags of a taggable root as attributes: `ownership` (its stack and logical name) and
 * `protect`. An adopted root has no ownership tags yet: the difference is an in-place update, the
 * Tag API's ModifyResourceTags, after which later runs find it by tag without its `adopt:` line.
 */
export const TAG_ATTRS = { ownership: 'tags', protect: 'tags', ...USER_TAG_ATTRS } as const;

const ownershipText = (stack: string, name: string) => `${STACK_TAG}=${stack}, ${NAME_TAG}=${name}`;

export function desiredTagAttrs(
  stack: string,
  name: string,
  protect: boolean | undefined,
  userTags?: Record<string, string>,
) {
  return { ownership: ownershipText(stack, name), protect: protect ?? false, ...desiredUserTags(userTags) };
}

export function liveTagAttrs(tags: Tags): {
  ownership: string | undefined;
  protect: boolean;
  userTags: Record<string, string>;
} {
  const stack = tagValue(tags, STACK_TAG);
  const name = tagValue(tags, NAME_TAG);
  return {
    ownership: stack !== undefined && name !== undefined ? ownershipText(stack, name) : undefined,
    protect: tagValue(tags, PROTECT_TAG) === 'true',
    ...liveUserTags(tags),
  };
}

/** The live root carries `edgeform:protect=true`. */
export function liveProtect(tags: Tags): { protect?: true } {
  return tagValue(tags, PROTECT_TAG) === 'true' ? { protect: true } : {};
}

/** Export writes `protect: true` for a root whose live object carries the protect tag. */
export function exportedProtect(n: Pick<LiveNode, 'protect'>): { protect?: true } {
  return n.protect ? { protect: true } : {};
}

/** The TagSet of a create: ownership, the protect tag when declared, then the user tags. */
export function creationTags(
  stack: string,
  name: string,
  protect: boolean | undefined,
  userTags?: Record<string, string>,
) {
  return [
    ...ownershipTags(stack, name),
    ...(protect ? [{ TagKey: PROTECT_TAG, TagValue: 'true' }] : []),
    ...userTagSet(userTags),
  ];
}

/** The user tags of a root changed in place (ModifyResourceTags), edgeform's own left alone. */
export function addUserTagStep(
  prefix: GaapTagPrefix,
  node: DesiredNode,
  live: LiveNode,
  b: StepBuilder,
): void {
  userTagStep(gaapResourceName(prefix, live.id, b.region), node, live, b);
}

/**
 * One ModifyResourceTags call that makes the root's edgeform tags what the declaration says:
 * ownership set (or corrected), protect set or removed. Tags edgeform does not own are untouched.
 */
export function addTagStep(
  prefix: GaapTagPrefix,
  node: DesiredNode<{ name: string }>,
  live: LiveNode,
  b: StepBuilder,
): void {
  const protect = node.attrs.protect === true;
  const wasProtected = live.attrs.protect === true;
  const changed = [
    ...(node.attrs.ownership !== live.attrs.ownership ? ['ownership'] : []),
    ...(protect !== wasProtected ? [protect ? 'protect' : 'unprotect'] : []),
  ];
  b.add({
    operation: 'update',
    summary: `ModifyResourceTags ${live.id}: ${changed.join(', ')}`,
    calls: [
      {
        action: 'ModifyResourceTags',
        params: {
          Resource: gaapResourceName(prefix, live.id, b.region),
          ReplaceTags: creationTags(b.stack, node.spec.name, protect),
          ...(!protect && wasProtected ? { DeleteTags: [{ TagKey: PROTECT_TAG }] } : {}),
        },
      },
    ],
  });
}
