import type { L7DomainDesired } from '../../../model/gaap-desired-types.js';
import { type GaapKindModule, liveOfKind } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import { defined, ID_OUTPUT, isNum, withSource } from './common.js';
import { l7DomainKind } from './l7-domain.js';
import { l7Domains } from './l7-listener.js';

export const ERROR_PAGE = 'gaap_error_page';

/** `errorPages:` of a layer-7 domain (schemas/edgeform.schema.json, `errorPage`). */
export interface ErrorPageDesired {
  errorCodes: number[];
  body: string;
  newErrorCode?: number;
  clearHeaders?: string[];
  setHeaders?: { name: string; value: string }[];
}

// NOTE: the kind's declaration type lives here, not in src/model: nothing in src/config reads
// error pages (the schema checks them), so the kind adds its field to the domain's type itself.
declare module '../../../model/gaap-desired-types.js' {
  interface L7DomainDesired {
    /** Custom error responses; managed only when declared. */
    errorPages?: ErrorPageDesired[];
  }
}

export const errorPageAddress = (domain: string, codes: readonly number[]) =>
  `${domain}.error_page["${sortedCodes(codes).join(',')}"]`;

interface ErrorPageSpec {
  listener: string;
  domain: string;
}

interface ErrorPageRaw {
  domain: string;
  codes: string;
}

/**
 * Custom error responses of a domain, identified by their status codes. There is no modify action,
 * so any change is a replacement (the old page first: a status code has one page per domain).
 * Managed only on domains that declare `errorPages`.
 */
export const errorPageKind: GaapKindModule<ErrorPageSpec, ErrorPageRaw, ErrorPageDesired, L7DomainDesired> = {
  readStage: 5,
  apiActions: ['CreateDomainErrorPageInfo', 'DeleteDomainErrorPageInfo', 'DescribeDomainErrorPageInfo'],
  handler: {
    type: ERROR_PAGE,
    updatable: {},
    cascades: false,
    replaceOrder: 'delete-first',
    outputs: ID_OUTPUT,
    // Changing the code list changes the address, so the old page is deleted, not replaced: the
    // new one must still wait for it when they share a code (DomainAlreadyExisted).
    createAfterSiblingDeletes: true,
    create(node, b) {
      const { spec } = node;
      const a = node.attrs;
      const listenerId = b.idOf(spec.listener);
      const codes = a.errorCodes as number[];
      b.add({
        operation: 'create',
        summary: `CreateDomainErrorPageInfo ${spec.domain} ${codes.join(',')}`,
        calls: [
          {
            action: 'CreateDomainErrorPageInfo',
            params: defined({
              ListenerId: listenerId,
              Domain: spec.domain,
              ErrorNos: codes,
              Body: a.body,
              NewErrorNo: a.newErrorCode ?? undefined,
              ClearHeaders: (a.clearHeaders as string[]).length > 0 ? a.clearHeaders : undefined,
              SetHeaders:
                (a.setHeaders as HeaderAttr[]).length > 0
                  ? (a.setHeaders as HeaderAttr[]).map((h) => ({ HeaderName: h.name, HeaderValue: h.value }))
                  : undefined,
            }),
            outputs: { id: 'ErrorPageId' },
            lookup: {
              action: 'DescribeDomainErrorPageInfo',
              params: { ListenerId: listenerId, Domain: spec.domain },
              items: 'ErrorPageSet',
              match: { ErrorNos: codes },
              outputs: { id: 'ErrorPageId' },
            },
          },
        ],
      });
    },
    update() {
      // Nothing is updatable: every difference is a replacement.
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DeleteDomainErrorPageInfo ${live.id} (${live.raw.domain} ${live.raw.codes})`,
        calls: [
          {
            action: 'DeleteDomainErrorPageInfo',
            params: { ErrorPageId: live.id },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    return l7Domains(ctx.model, ctx.source).flatMap(({ listener, domain, address }) =>
      (domain.errorPages ?? []).map(
        (e): DesiredNode<ErrorPageSpec> => ({
          address: errorPageAddress(address, e.errorCodes),
          type: ERROR_PAGE,
          parent: address,
          refs: [],
          attrs: normalize({
            errorCodes: e.errorCodes,
            body: e.body,
            newErrorCode: e.newErrorCode,
            clearHeaders: e.clearHeaders,
            setHeaders: e.setHeaders,
          }),
          protect: false,
          ...withSource(listener.source),
          spec: { listener: listener.address, domain: domain.domain } satisfies ErrorPageSpec,
        }),
      ),
    );
  },
  async read(ctx) {
    const declaring = new Set(
      l7Domains(ctx.model)
        .filter((d) => d.domain.errorPages !== undefined)
        .map((d) => d.address),
    );
    const domains = liveOfKind(l7DomainKind, ctx.live).filter((n) => declaring.has(n.address));
    const answers = await Promise.all(
      domains.map((d) =>
        ctx.client.call('DescribeDomainErrorPageInfo', {
          ListenerId: d.raw.listenerId,
          Domain: d.raw.domain,
        }),
      ),
    );
    const out: LiveNode<ErrorPageRaw>[] = [];
    domains.forEach((d, i) => {
      for (const e of answers[i]?.ErrorPageSet ?? []) {
        out.push({
          address: errorPageAddress(d.address, e.ErrorNos),
          type: ERROR_PAGE,
          parent: d.address,
          id: e.ErrorPageId,
          attrs: normalize({
            errorCodes: e.ErrorNos,
            body: e.Body,
            newErrorCode: e.NewErrorNo,
            clearHeaders: e.ClearHeaders,
            setHeaders: e.SetHeaders?.map((h) => ({ name: h.HeaderName, value: h.HeaderValue })),
          }),
          ...(e.Status === 0 || e.Status === undefined ? {} : { busy: `Status ${e.Status}` }),
          raw: { domain: d.raw.domain, codes: sortedCodes(e.ErrorNos).join(',') },
        });
      }
    });
    return out;
  },
  export: {
    readsDeclaredOnly: {
      onDomain(domain) {
        domain.errorPages = [];
      },
    },
    toDesired(e) {
      const x = e.attrs;
      const clear = x.clearHeaders as string[];
      const set = x.setHeaders as { name: string; value: string }[];
      return {
        errorCodes: x.errorCodes as number[],
        ...(isNum(x.newErrorCode) ? { newErrorCode: x.newErrorCode } : {}),
        body: String(x.body),
        ...(clear.length > 0 ? { clearHeaders: clear } : {}),
        ...(set.length > 0 ? { setHeaders: set } : {}),
      };
    },
    attach(domain, page) {
      const errorPages = domain.errorPages ?? [];
      errorPages.push(page);
      domain.errorPages = errorPages;
    },
  },
};

interface HeaderAttr {
  name: string;
  value: string;
}

function sortedCodes(codes: readonly number[]): number[] {
  return [...new Set(codes)].sort((x, y) => x - y);
}

/**
 * Absent and empty are the same on both sides (NewErrorNo 0 means "keep the code"); header names
 * to clear are a set, headers to set a list in the declared order.
 */
function normalize(a: {
  errorCodes: readonly number[];
  body: string;
  newErrorCode: number | undefined;
  clearHeaders: readonly string[] | undefined;
  setHeaders: readonly HeaderAttr[] | undefined;
}): Record<string, unknown> {
  return {
    errorCodes: sortedCodes(a.errorCodes),
    body: a.body,
    newErrorCode: a.newErrorCode || null,
    clearHeaders: asSet(a.clearHeaders ?? []),
    setHeaders: (a.setHeaders ?? []).map((h) => ({ name: h.name, value: h.value })),
  };
}
