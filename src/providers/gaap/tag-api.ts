import type { GaapActionMeta } from './gaap-action-meta.js';
import type { ActionName, Request } from './gaap-types.js';

/**
 * The slice of Tencent Cloud's Tag API (tag.tencentcloudapi.com, version 2018-08-13) edgeform
 * calls: GAAP has no action that changes the tags of an existing object, so ownership and protect
 * tags on an adopted or existing root go through `ModifyResourceTags`, as the Terraform provider's
 * do. Same TC3 signature, with the service `tag`.
 */
export const TAG_API_VERSION = '2018-08-13';
export const TAG_SERVICE = 'tag';
export const DEFAULT_TAG_ENDPOINT = 'https://tag.tencentcloudapi.com';

export interface TagPair {
  TagKey: string;
  TagValue: string;
}

export interface TagActions {
  ModifyResourceTags: {
    request: { Resource: string; ReplaceTags?: TagPair[]; DeleteTags?: { TagKey: string }[] };
    response: { RequestId?: string };
  };
  GetResources: {
    request: {
      ResourceList?: string[];
      TagFilters?: { TagKey: string; TagValue?: string[] }[];
      PaginationToken?: string;
      MaxResults?: number;
    };
    response: {
      PaginationToken?: string;
      ResourceTagMappingList?: { Resource?: string; Tags?: TagPair[] }[];
      RequestId?: string;
    };
  };
}
export type TagActionName = keyof TagActions;

const meta = (inputs: readonly string[]): GaapActionMeta => ({
  rateLimitPerSecond: 20,
  regionParam: 'not-used',
  clientToken: false,
  deprecated: false,
  inputs,
});

export const TAG_ACTIONS: Readonly<Record<TagActionName, GaapActionMeta>> = {
  ModifyResourceTags: meta(['Resource', 'ReplaceTags', 'DeleteTags']),
  GetResources: meta(['ResourceList', 'TagFilters', 'PaginationToken', 'MaxResults']),
};

export function isTagAction(action: string): action is TagActionName {
  return Object.hasOwn(TAG_ACTIONS, action);
}

/** The resource prefixes of GAAP's taggable roots in six-segment names. */
export type GaapTagPrefix = 'proxy' | 'group' | 'realServer' | 'domain';

/**
 * `qcs::gaap:<region>:uin/:<prefix>/<id>`. NOTE: the uin is left empty (the caller's own account),
 * as the Terraform provider writes it, so edgeform needs no account lookup; GAAP objects are not
 * regional and the region segment carries the configured region, if any.
 */
export function gaapResourceName(prefix: GaapTagPrefix, id: string, region = ''): string {
  return `qcs::gaap:${region}:uin/:${prefix}/${id}`;
}

/**
 * Where Tag API calls go: the vendor's Tag host when GAAP is the vendor's host, else the same
 * endpoint as GAAP (the emulator serves both, told apart by X-TC-Version). The environment's
 * EDGEFORM_TAG_ENDPOINT wins; like EDGEFORM_GAAP_ENDPOINT, only the operator sets it.
 */
export function tagEndpointFor(
  gaapEndpoint: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const fromEnv = env.EDGEFORM_TAG_ENDPOINT?.trim();
  if (fromEnv) return fromEnv;
  const url = new URL(gaapEndpoint);
  if (url.protocol === 'https:' && /^gaap\.(intl\.)?tencentcloudapi\.com$/.test(url.hostname))
    return `https://${url.hostname.replace(/^gaap\./, 'tag.')}`;
  return gaapEndpoint;
}

/**
 * What modifyResourceTags needs of the client: GaapCaller's `call`, typed here without importing
 * gaap-client.ts, which imports this file (the architecture test refuses the circle).
 */
interface TagCaller {
  call(action: ActionName, params: Request<ActionName>): Promise<unknown>;
}

/** One ModifyResourceTags call outside a plan (`export --adopt` taking ownership). */
export async function modifyResourceTags(
  client: TagCaller,
  request: TagActions['ModifyResourceTags']['request'],
): Promise<void> {
  // GaapCaller is typed by the GAAP catalog; the client routes Tag actions by their name.
  await client.call('ModifyResourceTags' as ActionName, request as Request<ActionName>);
}
