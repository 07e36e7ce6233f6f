/**
 * What the emulator knows of the Tag API (tag.tencentcloudapi.com, 2018-08-13) before any
 * handler: its version, signing service, rate limits and error codes. `tags.ts` serves it.
 */
export const TAG_API_VERSION = '2018-08-13';
export const TAG_SERVICE = 'tag';

/** The account the emulator's keys belong to: the `uin/<uin>` segment of resource names. */
export const EMULATOR_UIN = '100000000001';

/** NOTE: documented at 20 requests/s, DescribeResourceTagsByResourceIds at 100/s. */
export const TAG_RATE_LIMITS: Readonly<Record<string, number>> = {
  TagResources: 20,
  UnTagResources: 20,
  ModifyResourceTags: 20,
  GetResources: 20,
  DescribeResourceTagsByResourceIds: 100,
};

export const isTagAction = (action: string): boolean => Object.hasOwn(TAG_RATE_LIMITS, action);
export const isTagRead = (action: string): boolean => /^(Get|Describe)/.test(action);

/** The codes the Tag API answers here (its own, beside the common ones GAAP shares). */
export const TAG_ERROR_CODES: ReadonlySet<string> = new Set([
  'InvalidParameterValue.ResourceDescriptionError',
  'InvalidParameterValue.ReservedTagKey',
  'InvalidParameterValue.TagKeyCharacterIllegal',
  'InvalidParameterValue.TagKeyEmpty',
  'InvalidParameterValue.TagKeyLengthExceeded',
  'InvalidParameterValue.TagValueCharacterIllegal',
  'InvalidParameterValue.TagValueLengthExceeded',
  'InvalidParameterValue.DeleteTagsParamError',
  'InvalidParameterValue.TagKeyDuplicate',
  'InvalidParameterValue.UinInvalid',
  'InvalidParameter.PaginationTokenInvalid',
  'LimitExceeded.ResourceAttachedTags',
  'LimitExceeded',
]);
