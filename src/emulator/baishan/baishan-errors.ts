/**
 * Error answers of the emulated Baishan API.
 *
 * NOTE: the seeds never show a failure body. We answer `{code, message}` ([ext]: the field a
 * third-party client reads), with `code` = the HTTP status (the numbers are our choice; the seeds only
 * say "non-zero"), and add `error_code` holding the [000] string code when one of its rows fits, so a
 * client can classify the failure by that string (the [000] error code table; docs/emulator-baishan.md,
 * Errors).
 */
export class BaishanApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
    this.name = 'BaishanApiError';
  }

  toBody(): ErrorBody {
    return this.errorCode === undefined
      ? { code: this.status, message: this.message }
      : { code: this.status, message: this.message, error_code: this.errorCode };
  }
}

export interface ErrorBody {
  code: number;
  message: string;
  error_code?: string;
}

export const AUTH_MESSAGE = 'Authorization Error: invalid token or lack of access';

/** A 400 whose message is written by us (no [000] row fits). */
export function badRequest(message: string): BaishanApiError {
  return new BaishanApiError(400, message);
}

/** Messages are the [000] templates, with their placeholders filled in. */
export const errors = {
  domainNotFound: (names: readonly string[]) =>
    new BaishanApiError(
      400,
      `The domain provided does not belong to you.Invalid domains:${names.join(',')}`,
      'InvalidDomain.NotFound',
    ),
  domainOffline: (names: readonly string[]) =>
    new BaishanApiError(
      400,
      `The domain provided is offline.Invalid domains:${names.join(',')}`,
      'InvalidDomain.Offline',
    ),
  invalidDomainName: (value: string) =>
    new BaishanApiError(
      400,
      `This value does not conform to the rules of the domain name.Expected: Submit parameter values in the format, but receive:${value}`,
      'InvalidDomainName',
    ),
  requiresInput: (what: string) =>
    new BaishanApiError(
      400,
      `Requires input value.Expected:This value is required, but no found value from: ${what}`,
      'RequiresInputValue',
    ),
  bindException: (params: string, values: string, expected?: string) =>
    new BaishanApiError(
      400,
      `Rejected keys and values: ${params};${values}${expected ? ` (expected ${expected})` : ''}`,
      'BindException',
    ),
  invalidSwitch: (path: string, value: string) =>
    new BaishanApiError(
      400,
      `Invalid switch value.Expected:on\\off, but receive:${value} (${path})`,
      'InvalidSwitchValue',
    ),
  // NOTE: [000] says "Between 1 and 100"; [001] states 200 for referer.list. We enforce [001]'s 200
  // (the POST contract) and report the limit actually enforced.
  tooManyReferList: (limit: number, received: number) =>
    new BaishanApiError(
      400,
      `Too many refer url in this request.Expected:Between 1 and ${limit}, but receive:${received}`,
      'TooManyReferList',
    ),
};
