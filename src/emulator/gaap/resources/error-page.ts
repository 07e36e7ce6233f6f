import { fail, notFound } from '../errors.js';
import { type Handler, list, ordered, type ResourceModule } from '../state.js';
import type { ValueRule } from '../validation-rules.js';
import { getDomain, l7Listener, writableL7 } from './l7-domain.js';
import { getListener, requireListenerIdle, requireParentRunning } from './listener.js';

export interface ErrorPageRec {
  seq: number;
  ErrorPageId: string;
  ListenerId: string;
  Domain: string;
  ErrorNos: number[];
  NewErrorNo: number;
  ClearHeaders: string[];
  SetHeaders: { HeaderName: string; HeaderValue: string }[];
  Body: string;
}

declare module '../state.js' {
  interface GaapTables {
    errorPages: Record<string, ErrorPageRec>;
  }
}

const actions: Record<string, Handler> = {
  CreateDomainErrorPageInfo: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    const codes = p.ErrorNos as number[];
    const clash = Object.values(ctx.state.errorPages).find(
      (e) =>
        e.ListenerId === l.ListenerId && e.Domain === d.Domain && e.ErrorNos.some((n) => codes.includes(n)),
    );
    // NOTE: the doc lists DomainAlreadyExisted for this action; it is used for a status code that
    // already has a custom page on this domain.
    if (clash)
      fail(
        'FailedOperation.DomainAlreadyExisted',
        `Domain ${d.Domain} already customises one of ${codes.join(',')}.`,
      );
    const id = ctx.newId('errorPage');
    ctx.state.errorPages[id] = {
      seq: ctx.nextSeq(),
      ErrorPageId: id,
      ListenerId: l.ListenerId,
      Domain: d.Domain,
      ErrorNos: codes,
      NewErrorNo: (p.NewErrorNo as number | undefined) ?? 0,
      ClearHeaders: list<string>(p, 'ClearHeaders') ?? [],
      SetHeaders: list<{ HeaderName: string; HeaderValue: string }>(p, 'SetHeaders') ?? [],
      Body: p.Body as string,
    };
    return { ErrorPageId: id };
  },

  DescribeDomainErrorPageInfo: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    const set = ordered(ctx.state.errorPages).filter(
      (e) => e.ListenerId === l.ListenerId && e.Domain === p.Domain,
    );
    return { ErrorPageSet: set.map(({ seq: _s, ...e }) => ({ ...e, Status: 0 })) };
  },

  DescribeDomainErrorPageInfoByIds: (ctx, p) => {
    const ids = p.ErrorPageIds as string[];
    const set = ordered(ctx.state.errorPages).filter((e) => ids.includes(e.ErrorPageId));
    return { ErrorPageSet: set.map(({ seq: _s, ...e }) => ({ ...e, Status: 0 })) };
  },

  DeleteDomainErrorPageInfo: (ctx, p) => {
    const e = ctx.state.errorPages[p.ErrorPageId as string];
    if (!e) notFound('error page', p.ErrorPageId as string);
    const l = getListener(ctx, e.ListenerId);
    requireParentRunning(ctx, l, 'delete');
    requireListenerIdle(ctx, l);
    delete ctx.state.errorPages[e.ErrorPageId];
    return {};
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  ErrorNos: { min: 100, max: 599 },
  NewErrorNo: { min: 100, max: 599 },
  'DescribeDomainErrorPageInfoByIds.ErrorPageIds': { maxItems: 10 },
};

/** Custom error pages of a layer-7 domain (CreateDomainErrorPageInfo). */
export const errorPageResource: ResourceModule<'errorPages'> = {
  table: 'errorPages',
  noun: 'error page',
  key: ['ErrorPageId'],
  ownIds: true,
  actions,
  parents: [{ table: 'domains', fields: ['ListenerId', 'Domain'] }],
  valueRules,
};
