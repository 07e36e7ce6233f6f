import { randomBytes } from 'node:crypto';
import { lazyRecord } from '../../core/lazy-record.js';
import { keyedFingerprint, keyedFingerprinter } from '../../core/secrets.js';
import type { GaapDesired } from '../../model/gaap-desired-types.js';
import type { GaapSettings, LoadedStack } from '../../model/stack-types.js';
import type { PlanStep, PlanWarning, ProxyPrice, ResourceOutputs } from '../../planner/plan-types.js';
import type {
  AppliedRun,
  Provider,
  ProviderContext,
  ProviderLive,
  ProviderPlan,
  StepContext,
  StepCost,
  StepOutcome,
  StepWait,
  WaitPacing,
  WatchAnswer,
} from '../../planner/provider-types.js';
import { stepsOf } from '../../planner/steps-of.js';
import { adoptionHints } from './adoption-hints.js';
import { checkAgainstCatalogs } from './catalog-checks.js';
import { refuseWritesUnderClosed } from './closed-parents.js';
import { planGaap } from './engine/gaap-planner.js';
import type { DesiredContext, GaapKindModule, ReadContext } from './engine/kind-module.js';
import type { DesiredNode, GaapStepPayload, LiveNode, WaitSpec } from './engine/node-types.js';
import type { GaapClient } from './gaap-client.js';
import { runGaapStep } from './gaap-step-runner.js';
import { watchGaap } from './gaap-watcher.js';
import { GAAP_KINDS } from './kinds/registry.js';
import { pricesOfNewProxies } from './prices.js';

export interface GaapLiveData {
  nodes: LiveNode[];
  liveRefs: Map<string, string[]>;
  /** The list price of each proxy the plan creates (InquiryPriceCreateProxy), by address. */
  prices?: Map<string, ProxyPrice>;
}

export interface GaapProviderOptions {
  /**
   * Pacing of status polls: the first comes `base` after the write until the run has learned the
   * kind's delay; polls of one scope come at least base/2 and at most `max` apart (tests and
   * benchmarks shorten them).
   */
  pollMs?: { base: number; max: number };
  /**
   * Default true: check the desired state against the live catalogs and hint at adoptions while
   * reading, for a plan that may be applied. Off for export (a model of bindings only, nothing to
   * check), drift and outputs (reports: a refusable desired value must not stop them).
   */
  planChecks?: boolean;
  /** Waits before each extra look for a late-committed create (tests shorten them). */
  lateCommitWaitsMs?: readonly number[];
  /** Fixes the run's ClientToken nonce (tests); random otherwise. */
  tokenNonce?: string;
}

/**
 * Tencent Cloud GAAP. Owned roots are found by their edgeform:stack tag, everything else by its
 * natural key under an owned root; objects this stack does not own are never read into the plan,
 * so they can never be changed or deleted.
 */
export class GaapProvider implements Provider<GaapLiveData, GaapStepPayload> {
  readonly id = 'gaap';
  // NOTE: mutations on different objects run side by side (the Terraform provider serialises all
  // of them behind one lock). A step holds its slot only for its calls: its wait for an
  // asynchronous state holds none (the executor's watchers read it), and a step starts only when
  // its first call's per-action budget is free, so the cap bounds calls in flight, not waits.
  // NOTE: 64 (was 32), the client's sockets per origin (GAAP_CONNECTIONS). Keeping every budget
  // busy takes, per action with ready steps, its rate × the call's round trip in flight (Little's
  // law): a 200-proxy build has seven write actions ready at once, 140 calls a second, so 32
  // slots suffice only while calls answer within ~230 ms. With the executor on a CPU-free
  // simulated GAAP (bench/sched-sim.mjs 200) the apply was 2.08× its joint floor at 100 ms a call
  // with 32 slots and 1.43× with 64; 1.52× and 1.26× at 60 ms.
  readonly limits = { concurrency: 64 };
  readonly #model: GaapDesired | null;
  readonly #stack: string;
  /** The configured region, '' when none: Tag API resource names carry it. */
  readonly #region: string;
  readonly #client: () => GaapClient;
  readonly #kinds: readonly GaapKindModule[];
  readonly #secretBaseDir: string;
  readonly #opts: GaapProviderOptions;
  /** This run's share of every ClientToken it sends (see RunStepOptions.tokenNonce). */
  readonly #tokenNonce: string;
  /** Creates of this run whose outcome was uncertain (see sweepSuspected). */
  #uncertainCreates = 0;
  /** IDs this run's steps created or adopted: of two objects under one identity, these are kept. */
  readonly #runIds = new Set<string>();

  constructor(
    stack: Pick<LoadedStack, 'stack'> & { gaap: GaapDesired | null; settings: { gaap: GaapSettings } },
    client: () => GaapClient,
    secretBaseDir: string,
    opts: GaapProviderOptions = {},
    kinds: readonly GaapKindModule[] = GAAP_KINDS,
  ) {
    this.#model = stack.gaap;
    this.#stack = stack.stack;
    this.#region = stack.settings.gaap.region ?? '';
    this.#client = client;
    this.#kinds = kinds;
    this.#secretBaseDir = secretBaseDir;
    this.#opts = opts;
    this.#tokenNonce = opts.tokenNonce ?? randomBytes(16).toString('hex');
  }

  /** A `gaap:` section, even an empty one, means the stack owns its tagged GAAP objects. */
  get hasDesired(): boolean {
    return this.#model !== null;
  }

  get #projectId(): number {
    return this.#model?.projectId ?? 0;
  }

  async read(ctx: ProviderContext): Promise<ProviderLive<GaapLiveData>> {
    const client = this.#client();
    let calls = 0;
    const counting = {
      call: ((action, params, o) => {
        calls++;
        return client.call(action, params, o);
      }) as GaapClient['call'],
    };
    const cache = new Map<string, Promise<unknown>>();
    // A prefetch's answer is awaited by its kind's read; a failure is reported there, not here.
    const early = (p: Promise<unknown>) => {
      p.catch(() => {});
    };
    const under = new Map<string, GaapKindModule[]>();
    for (const k of this.#kinds) {
      if (k.prefetchUnder) under.set(k.prefetchUnder.type, [...(under.get(k.prefetchUnder.type) ?? []), k]);
    }
    // NOTE: of the reads under a node, those whose answers start further reads go first (a proxy's
    // HTTP/HTTPS lists, which lead to DescribeRules, before its TCP/UDP lists): the server answers
    // a burst in the order it arrives, and the longest chain waits least (bench, 10 proxies: the
    // HTTP lists were answered after the other 20 lists, 25 ms later).
    const leads = (k: GaapKindModule) => (under.has(k.handler.type) ? 0 : 1);
    for (const kinds of under.values()) kinds.sort((a, b) => leads(a) - leads(b));
    const rc: ReadContext = {
      cached: <T>(key: string, read: () => Promise<T>) => {
        if (!cache.has(key)) cache.set(key, read());
        return cache.get(key) as Promise<T>;
      },
      client: counting,
      stack: this.#stack,
      projectId: this.#projectId,
      model: this.#model ?? {},
      live: [],
      addressOfId: new Map(),
      liveRefs: new Map(),
      warnings: [],
      found: (...nodes) => {
        const types = new Set(nodes.map((n) => n.type));
        for (const type of types) {
          for (const k of under.get(type) ?? []) {
            for (const node of nodes) if (node.type === type) early(k.prefetchUnder!.start(rc, node));
          }
        }
      },
    };
    ctx.events({
      kind: 'read-start',
      provider: this.id,
      what: `objects tagged edgeform:stack=${this.#stack}`,
    });
    // NOTE: reads that depend on nothing read before start now, beside the first stage: the rate
    // limits are per action, so they cost no other kind's budget (bench: the proxies' list waited
    // for the real servers' pages).
    for (const k of this.#kinds) if (k.prefetch) early(k.prefetch(rc));
    for (const stage of [1, 2, 3, 4, 5] as const) {
      const found = await Promise.all(
        this.#kinds.filter((k) => k.readStage === stage).map((k) => k.read(rc)),
      );
      for (const node of this.#separateDuplicates(found.flat())) {
        rc.live.push(node);
        rc.addressOfId.set(node.id, node.address);
      }
    }
    // Before any plan exists: a value the API will refuse fails here, with zero writes.
    const warnings: PlanWarning[] = [...rc.warnings];
    let prices: Map<string, ProxyPrice> | undefined;
    if (this.#model && this.#opts.planChecks !== false) {
      const [, hints, priced] = await Promise.all([
        checkAgainstCatalogs(this.#model, rc.live, counting),
        adoptionHints(this.#model, rc.live, rc, this.#stack),
        pricesOfNewProxies(this.#model, rc.live, counting),
      ]);
      warnings.push(...hints);
      prices = priced;
    }
    ctx.events({ kind: 'read-done', provider: this.id, what: `${rc.live.length} objects`, calls });
    const data: GaapLiveData = { nodes: rc.live, liveRefs: rc.liveRefs, ...(prices ? { prices } : {}) };
    return { provider: this.id, data, calls, warnings };
  }

  /**
   * Two live objects under one identity (the same ownership tags, or natural key) are what a create
   * committed after its look-again leaves. One keeps the address — the one this run created or
   * adopted, else the oldest — and each other one gets an address of its own
   * (`ADDRESS@ID`), absent from the YAML, so the plan deletes it (with what hangs under it) instead
   * of never seeing it.
   */
  #separateDuplicates(nodes: LiveNode[]): LiveNode[] {
    const byAddress = new Map<string, LiveNode[]>();
    for (const n of nodes) byAddress.set(n.address, [...(byAddress.get(n.address) ?? []), n]);
    return nodes.map((n) => {
      const same = byAddress.get(n.address) ?? [];
      if (same.length < 2) return n;
      // NOTE: the lists come in creation order (as the emulator's do): without an ID of this run,
      // the oldest is kept — a create committed late lands after the run's own resend, and what
      // the run built under it hangs under the older one.
      const keep = same.find((x) => this.#runIds.has(x.id)) ?? same[0];
      if (n === keep) return n;
      // NOTE: the declared object keeps its address and its protection; a second copy of it is
      // not what `protect` guards (and a protected copy would block every plan of the stack).
      const { protect: _copied, ...copy } = n;
      return { ...copy, address: `${n.address}${DUPLICATE_MARK}${n.id}` };
    });
  }

  /** True when a create of this run had an uncertain outcome: a duplicate sweep is worth a read. */
  get sweepSuspected(): boolean {
    return this.#uncertainCreates > 0;
  }

  plan(live: ProviderLive<GaapLiveData>): ProviderPlan<GaapStepPayload> {
    const data = live.data;
    const desired = this.desiredNodes();
    const out = planGaap({
      stack: this.#stack,
      projectId: this.#projectId,
      region: this.#region,
      desired,
      live: data.nodes,
      liveRefs: data.liveRefs,
      handlers: new Map(this.#kinds.map((k) => [k.handler.type, k.handler])),
      // Independent of the order the API lists objects in: the same estate, the same tokens.
      tokenSeed: fingerprintOf({
        stack: this.#stack,
        live: data.nodes.map((n) => `${n.address}\0${n.id}`).sort(),
      }),
    });
    refuseWritesUnderClosed(desired, data.nodes, out.steps);
    const prices = data.prices;
    if (prices && prices.size > 0) {
      out.changes = out.changes.map((c) => {
        const price = c.kind === 'create' ? prices.get(c.address) : undefined;
        return price ? { ...c, price } : c;
      });
    }
    const addresses = [...new Set([...desired.map((n) => n.address), ...data.nodes.map((n) => n.address)])];
    // Computed only if the plan is saved or printed as JSON, under the key in force now.
    const keyed = keyedFingerprinter();
    return { ...out, liveFingerprints: lazyRecord(() => liveFingerprintsOf(data, addresses, keyed)) };
  }

  desiredNodes(): DesiredNode[] {
    const model = this.#model ?? {};
    const ctx: DesiredContext = {
      stack: this.#stack,
      projectId: this.#projectId,
      model,
      source: (key) => model.sources?.[key],
    };
    return this.#kinds.flatMap((k) => k.desired(ctx));
  }

  fingerprints(live: ProviderLive<GaapLiveData>, addresses: readonly string[]): Record<string, string> {
    return liveFingerprintsOf(live.data, addresses, fingerprintOf);
  }

  /** Each action has its own budget: the slowest action's share bounds the rest of the run. */
  estimateRemainingMs(steps: readonly PlanStep<GaapStepPayload>[]): number {
    const perAction = new Map<string, number>();
    for (const step of steps) {
      for (const call of step.payload.calls)
        perAction.set(call.action, (perAction.get(call.action) ?? 0) + 1);
    }
    const limiters = this.#client().limiters;
    let worst = 0;
    for (const [action, n] of perAction) worst = Math.max(worst, limiters.get(action).estimateMs(n));
    return worst;
  }

  outputs(live: ProviderLive<GaapLiveData>, run?: AppliedRun): ResourceOutputs[] {
    const data = live.data;
    const handlers = new Map(this.#kinds.map((k) => [k.handler.type, k.handler]));
    const by = new Map<string, ResourceOutputs>();
    for (const n of data.nodes) {
      const spec = handlers.get(n.type)?.outputs;
      if (spec)
        by.set(n.address, { address: n.address, provider: this.id, type: n.type, values: spec.of(n) });
    }
    if (run) {
      const types = new Map<string, string>();
      for (const c of run.plan.changes) {
        if (c.provider !== this.id) continue;
        types.set(c.address, c.type);
        // The old object of a replace is gone; what its replacement produced is filled in below.
        if (c.kind === 'delete' || c.kind === 'replace') by.delete(c.address);
      }
      for (const step of stepsOf(this, run.plan.steps)) {
        const produced = run.stepOutputs.get(step.id);
        const outputsOf = step.payload.outputsOf;
        if (!produced || !outputsOf) continue;
        for (const [address, names] of Object.entries(outputsOf)) {
          const type = types.get(address);
          if (!type) continue;
          const entry = by.get(address) ?? { address, provider: this.id, type, values: {} };
          for (const [key, output] of Object.entries(names))
            if (produced[output] !== undefined) entry.values[key] = produced[output];
          by.set(address, entry);
        }
      }
    }
    return [...by.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** Each action has its own budget: a step queues on its first call's. */
  budgetKey(step: PlanStep<GaapStepPayload>): string {
    return step.payload.calls[0]?.action ?? '';
  }

  /**
   * For the order ready steps start in (the executor's rank): a step's calls and its wait, on the
   * clock of the client's rate windows, and its first call's share of its action's budget.
   */
  stepCost(step: PlanStep<GaapStepPayload>): StepCost {
    const first = step.payload.calls[0]?.action;
    const limiter = first ? this.#client().limiters.get(first) : undefined;
    const windowMs = limiter?.windowMs ?? 1000;
    const callMs = windowMs * CALL_SHARE_OF_WINDOW;
    const wait = step.payload.wait;
    const delay = wait ? (TYPICAL_DELAY_MS[wait.action] ?? TYPICAL_DELAY_MS.other!) * (windowMs / 1000) : 0;
    return {
      ms: step.payload.calls.length * callMs + (wait ? Math.max(callMs, delay) + callMs : 0),
      budgetMs: limiter ? windowMs / limiter.limit : 0,
    };
  }

  claimStart(step: PlanStep<GaapStepPayload>): number {
    const action = step.payload.calls[0]?.action;
    return action ? this.#client().limiters.get(action).tryTake() : 0;
  }

  watch(_scope: string, waits: readonly StepWait<WaitSpec>[], ctx: ProviderContext): Promise<WatchAnswer> {
    return watchGaap(this.#client(), waits, ctx.signal);
  }

  get waitPacing(): WaitPacing {
    const poll = this.#opts.pollMs ?? { base: 500, max: 5_000 };
    return { firstMs: poll.base, minMs: poll.base / 2, maxMs: poll.max };
  }

  async execute(step: PlanStep<GaapStepPayload>, ctx: StepContext): Promise<StepOutcome> {
    const outcome = await runGaapStep(step, {
      onUncertainCreate: () => {
        this.#uncertainCreates++;
      },
      client: this.#client(),
      outcomes: ctx.outcomes,
      events: ctx.events,
      secretBaseDir: this.#secretBaseDir,
      ...(ctx.startClaimed ? { startClaimed: true } : {}),
      tokenNonce: this.#tokenNonce,
      ...(this.#opts.lateCommitWaitsMs ? { lateCommitWaitsMs: this.#opts.lateCommitWaitsMs } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const id = outcome.outputs.id;
    if (typeof id === 'string' && id) this.#runIds.add(id);
    return outcome;
  }
}

/**
 * How long an object read by each status action typically stays in its asynchronous state on the
 * live API, in ms of a real second's window (the bench's emulator lasts as long, scaled with the
 * clock: bench/README.md, "Set-up"). Only ranks steps (`stepCost`): a wait is read until ready.
 */
const TYPICAL_DELAY_MS: Readonly<Record<string, number>> = {
  DescribeProxies: 60_000,
  DescribeProxyGroupDetails: 30_000,
  DescribeTCPListeners: 5_000,
  DescribeUDPListeners: 5_000,
  DescribeHTTPListeners: 5_000,
  DescribeHTTPSListeners: 5_000,
  DescribeRules: 3_000,
  DescribeRulesByRuleIds: 3_000,
  other: 5_000,
};

/** A call's expected round trip as a share of the rate window (~100 ms of a real second). */
const CALL_SHARE_OF_WINDOW = 0.1;

/** Joins an address and the ID of a second object under it (see #separateDuplicates). */
export const DUPLICATE_MARK = '@';

/** Keyed: a live object's attributes may hold a secret's fingerprint (certificates). */
function fingerprintOf(v: unknown): string {
  return keyedFingerprint(v);
}

function liveFingerprintsOf(
  data: GaapLiveData,
  addresses: readonly string[],
  fingerprint: (v: unknown) => string,
): Record<string, string> {
  const by = new Map(data.nodes.map((n) => [n.address, n]));
  const out: Record<string, string> = {};
  for (const a of addresses) {
    const n = by.get(a);
    // An object that does not exist yet is fingerprinted as absent: if someone creates it
    // before the saved plan is applied, the plan is stale.
    out[a] = n ? fingerprint({ id: n.id, attrs: n.attrs }) : 'absent';
  }
  return out;
}
