import { createHash } from 'node:crypto';
import { EdgeformError, type ErrorCode } from '../core/errors.js';
import { isSecretValue } from '../core/secrets.js';
import { attributeEqual, toDisplayValue } from './attribute-compare.js';
import type {
  DesiredNode,
  DiffInput,
  DiffOutput,
  IdRef,
  KindDescription,
  LiveNode,
  StepBuilder,
  StepDraftBase,
} from './diff-types.js';
import type { AttributeChange, ChangeKind, PlanStep, PlanWarning, ResourceChange } from './plan-types.js';

export function isIdRef(v: unknown): v is IdRef {
  return typeof v === 'object' && v !== null && '$ref' in v;
}

/** Any kind, whatever its builder: the parts the engine reads. */
type AnyKind = Pick<KindDescription, 'updatable' | 'cascades' | 'replaceOrder' | 'outputs'>;

type Verdict =
  | { kind: 'create'; node: DesiredNode; reason?: string }
  | {
      kind: 'update';
      node: DesiredNode;
      live: LiveNode;
      attrs: AttributeChange[];
      groups: string[];
      reason?: string;
    }
  | { kind: 'replace'; node: DesiredNode; live: LiveNode; attrs: AttributeChange[]; reason?: string }
  | { kind: 'delete'; live: LiveNode; cascaded: boolean }
  | { kind: 'no-op'; node: DesiredNode; live: LiveNode };

/**
 * The diff and its ordering, for any provider whose objects are nodes of kinds: match desired and
 * live nodes by address, classify each (create, update, replace, delete, no-op), then let each
 * kind emit its steps and wire the dependency edges every kind shares:
 *  - a create waits for its parent's and its references' creates (through ID placeholders);
 *  - a delete waits for the steps of everything that used the object (unbind before removing a
 *    real server, repoint before deleting a certificate) and for its children's deletes;
 *  - a replace deletes first or creates first, as the kind says.
 */
export function planDiff<Draft extends StepDraftBase, Payload, Extra extends object>(
  unordered: DiffInput<Draft, Payload, Extra>,
): DiffOutput<Payload> {
  // The API lists objects in an order of its own (creation order, which concurrent creates make
  // vary): ordering the live nodes by address makes the same estate give the same plan.
  const input = {
    ...unordered,
    live: [...unordered.live].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)),
  };
  const desiredBy = new Map(input.desired.map((n) => [n.address, n]));
  const liveBy = new Map(input.live.map((n) => [n.address, n]));
  const warnings: PlanWarning[] = [];
  const verdicts = new Map<string, Verdict>();
  const handler = (type: string) => {
    const h = input.kinds.get(type);
    if (!h) throw new Error(`no ${input.provider} kind ${type}`);
    return h;
  };

  // 1. Classify, parents before children (desired nodes are listed parent first).
  const missingExternal: DesiredNode[] = [];
  for (const node of input.desired) {
    const live = liveBy.get(node.address);
    const parentVerdict = node.parent ? verdicts.get(node.parent) : undefined;
    if (node.external) {
      if (!live) missingExternal.push(node);
      else verdicts.set(node.address, { kind: 'no-op', node, live });
      continue;
    }
    if (!live) {
      verdicts.set(node.address, { kind: 'create', node });
      continue;
    }
    if (live.busy)
      warnings.push({
        address: node.address,
        message: `busy (${live.busy}); its live values may still change`,
      });
    if (parentVerdict?.kind === 'replace') {
      verdicts.set(node.address, {
        kind: 'replace',
        node,
        live,
        attrs: [],
        reason: 'its parent is replaced',
      });
      continue;
    }
    const h = handler(node.type);
    const attrs = compareAttrs(node, live, h);
    const replacedRefs = repointReplacedRefs(node, live, h, attrs, verdicts);
    const reason = replacedRefs.length > 0 ? `uses ${replacedRefs.join(', ')}, which is replaced` : undefined;
    if (attrs.length === 0) verdicts.set(node.address, { kind: 'no-op', node, live });
    else if (attrs.some((a) => a.forcesReplacement))
      verdicts.set(node.address, { kind: 'replace', node, live, attrs, ...(reason ? { reason } : {}) });
    else {
      const groups = [...new Set(attrs.map((a) => h.updatable[a.path]!))];
      verdicts.set(node.address, {
        kind: 'update',
        node,
        live,
        attrs,
        groups,
        ...(reason ? { reason } : {}),
      });
    }
  }
  for (const live of input.live) {
    if (desiredBy.has(live.address)) continue;
    verdicts.set(live.address, {
      kind: 'delete',
      live,
      cascaded: cascadedBy(live, liveBy, verdicts, input.kinds),
    });
  }

  refuseMissingExternals(missingExternal, input.codes.externalMissing);
  refuseProtected(verdicts);

  // 2. Emit steps.
  const steps: PlanStep<Payload>[] = [];
  const createStep = new Map<string, string>();
  // IDs published by a step on behalf of other nodes (one batch call creating several objects).
  const idOutput = new Map<string, { step: string; output: string }>();
  const deleteStep = new Map<string, string>();
  const touchSteps = new Map<string, string[]>();
  const pendingDeps = new Map<string, Set<string>>();
  const liveIdKept = (address: string): string | undefined => {
    const v = verdicts.get(address);
    if (!v) return undefined;
    if (v.kind === 'no-op' || v.kind === 'update') return v.live.id;
    return undefined;
  };

  const builderFor = (address: string, extraDeps: () => string[]) => {
    let current: string | undefined;
    // The step of this node that publishes its new ID (its create call).
    let ownIdStep: string | undefined;
    // Steps whose outputs the next step's parameters use (handlers resolve IDs, then add).
    const pending = new Set<string>();
    const builder: StepBuilder<Draft> &
      Extra & {
        readonly last: string | undefined;
        readonly idStep: string | undefined;
      } = {
      ...input.builder,
      verdictOf: (other: string) => verdicts.get(other)?.kind,
      idOf(ref: string): string | IdRef {
        if (ref === address && ownIdStep) return { $ref: { step: ownIdStep, output: 'id' } };
        const kept = liveIdKept(ref);
        if (kept !== undefined) return kept;
        const published = idOutput.get(ref);
        if (published) {
          pending.add(published.step);
          return { $ref: { ...published } };
        }
        const step = createStep.get(ref);
        if (!step) {
          throw new EdgeformError({
            code: input.codes.unresolvedReference,
            message: `${address} refers to ${ref}, which is neither live nor created by this plan`,
            resolution: 'declare the referenced object in the YAML',
          });
        }
        pending.add(step);
        return { $ref: { step, output: 'id' } };
      },
      clientToken(purpose: string) {
        return `ef-${createHash('sha256').update(`${input.tokenSeed}\0${address}\0${purpose}`).digest('hex').slice(0, 40)}`;
      },
      add(draft: Draft): string {
        const id = `${input.provider}.${++stepCounter}`;
        const outputsOf = outputsOfDraft(address, draft, ownerType(address));
        const payload = input.steps.payload(draft, outputsOf);
        steps.push({
          id,
          provider: input.provider,
          action: input.steps.action(draft),
          operation: draft.operation,
          summary: draft.summary,
          addresses: draft.addresses ?? [address],
          dependsOn: [],
          destructive: draft.destructive ?? draft.operation === 'delete',
          payload,
        });
        for (const d of extraDeps()) addDep(id, d);
        for (const d of pending) addDep(id, d);
        pending.clear();
        // Steps of one node run in the order they were added.
        if (current) addDep(id, current);
        current = id;
        if (!ownIdStep && input.steps.createsId(draft)) ownIdStep = id;
        for (const [other, output] of Object.entries(draft.publishes ?? {}))
          idOutput.set(other, { step: id, output });
        if (draft.around) aroundSteps.push({ step: id, address, ...draft.around });
        touchSteps.set(address, [...(touchSteps.get(address) ?? []), id]);
        return id;
      },
      get last() {
        return current;
      },
      get idStep() {
        return ownIdStep;
      },
    };
    return builder;
  };
  let stepCounter = 0;
  const aroundSteps: { step: string; address: string; order: 'first' | 'last'; also?: readonly string[] }[] =
    [];
  const ownerType = (address: string) => {
    const v = verdicts.get(address);
    return v ? ('node' in v ? v.node.type : v.live.type) : undefined;
  };
  /** Which outputs of a step are the node's own (its declared output names) or a sibling's ID. */
  const outputsOfDraft = (address: string, draft: Draft, type: string | undefined) => {
    const produced = new Set(input.steps.outputs(draft));
    const names = (type ? input.kinds.get(type)?.outputs?.names : undefined) ?? [];
    const out: Record<string, Record<string, string>> = {};
    const own = names.filter((n) => produced.has(n));
    if (own.length > 0) out[address] = Object.fromEntries(own.map((n) => [n, n]));
    for (const [other, output] of Object.entries(draft.publishes ?? {})) out[other] = { id: output };
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const addDep = (step: string, on: string) => {
    if (step === on) return;
    const deps = pendingDeps.get(step) ?? new Set<string>();
    deps.add(on);
    pendingDeps.set(step, deps);
  };

  // Creates and updates, parents first (desired order), so placeholders resolve.
  for (const node of input.desired) {
    const v = verdicts.get(node.address)!;
    const h = handler(node.type);
    if (v.kind === 'create' || v.kind === 'replace') {
      const b = builderFor(node.address, () =>
        node.parent && createStep.has(node.parent) ? [createStep.get(node.parent)!] : [],
      );
      h.create(node, b, v.kind === 'replace' ? v.live : undefined);
      // Dependents need the node's ID, which its create call publishes: they can start as soon
      // as that step is done (and waited), without waiting for e.g. its bindings.
      const idStep = idOutput.get(node.address)?.step ?? b.idStep ?? b.last;
      if (idStep) createStep.set(node.address, idStep);
    } else if (v.kind === 'update') {
      const b = builderFor(node.address, () => []);
      h.update(node, v.live, v.groups, b);
    }
  }

  // Deletes (including the old half of replacements), children first.
  const deletions = [...verdicts.values()].filter(
    (v): v is Extract<Verdict, { kind: 'delete' }> | Extract<Verdict, { kind: 'replace' }> =>
      (v.kind === 'delete' && !v.cascaded) ||
      (v.kind === 'replace' && !parentCascades(v.live, verdicts, input.kinds)),
  );
  for (const v of deletions.sort((a, b) => depth(liveOf(b)) - depth(liveOf(a)))) {
    const live = liveOf(v);
    const b = builderFor(live.address, () => []);
    handler(live.type).delete(live, b);
    if (b.last) deleteStep.set(live.address, b.last);
  }

  // Shared ordering edges.
  for (const v of verdicts.values()) {
    const live = 'live' in v ? v.live : undefined;
    if (!live) continue;
    const del = deleteStep.get(live.address);
    if (del) {
      // A user repointed to the replacement of a delete-first object needs its ID, which exists
      // only after this delete: that user follows instead (a DNS record of a replaced proxy).
      const replacement =
        v.kind === 'replace' && handler(live.type).replaceOrder === 'delete-first'
          ? createStep.get(live.address)
          : undefined;
      // Everything that used the object is changed or gone first. A user deleted with its
      // parent (no step of its own) lets go when that ancestor's delete runs.
      for (const [user, refs] of input.liveRefs) {
        if (!refs.includes(live.address)) continue;
        for (const s of touchSteps.get(user) ?? []) {
          if (s !== del && !(replacement && reaches(s, replacement))) addDep(del, s);
        }
        const removal = removalStepOf(user);
        if (removal && removal !== del) addDep(del, removal);
      }
      // Children first.
      for (const child of input.live) {
        if (child.parent === live.address) {
          const cd = deleteStep.get(child.address);
          if (cd) addDep(del, cd);
        }
      }
    }
    if (v.kind === 'replace') {
      const create = firstStepOf(live.address, touchSteps, (id) => id !== del && !isAfter(id, del));
      const h = handler(live.type);
      if (del && create) {
        if (h.replaceOrder === 'delete-first') addDep(create, del);
        else addDep(del, createStep.get(live.address) ?? create);
      }
    }
  }

  // Siblings that collide on a key other than their address: creates after the deletes.
  for (const node of input.desired) {
    const v = verdicts.get(node.address);
    if ((v?.kind !== 'create' && v?.kind !== 'replace') || !handler(node.type).createAfterSiblingDeletes)
      continue;
    const first = firstStepOf(node.address, touchSteps, (id) => id !== deleteStep.get(node.address));
    if (!first) continue;
    for (const sibling of input.live) {
      if (sibling.type !== node.type || sibling.parent !== node.parent) continue;
      const del = deleteStep.get(sibling.address);
      if (del && del !== first) addDep(first, del);
    }
  }

  // Steps that go first or last among the steps of everything under an object.
  for (const { step, address, order, also } of aroundSteps) {
    const scopes = [address, ...(also ?? [])];
    for (const [touched, ids] of touchSteps) {
      if (touched === address || !scopes.some((s) => touched === s || touched.startsWith(`${s}.`))) continue;
      for (const id of ids) {
        if (order === 'last') addDep(step, id);
        else addDep(id, step);
      }
    }
  }

  for (const s of steps) s.dependsOn = [...(pendingDeps.get(s.id) ?? [])].sort(byStepNumber);

  /** Whether step `from` waits, directly or not, for step `to`. */
  function reaches(from: string, to: string, seen = new Set<string>()): boolean {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return [...(pendingDeps.get(from) ?? [])].some((d) => reaches(d, to, seen));
  }

  function removalStepOf(address: string): string | undefined {
    const own = deleteStep.get(address);
    if (own) return own;
    const v = verdicts.get(address);
    const parent = v && 'live' in v ? v.live.parent : liveBy.get(address)?.parent;
    return parent ? removalStepOf(parent) : undefined;
  }

  const changes = [...verdicts.values()].map((v) => toChange(v, input.provider, input.kinds));
  return { changes, steps, warnings };

  function isAfter(a: string, b: string | undefined): boolean {
    return b !== undefined && byStepNumber(a, b) > 0;
  }
}

const KNOWN_AFTER_APPLY = { $knownAfterApply: true } as const;

function byStepNumber(a: string, b: string): number {
  return Number(a.split('.')[1]) - Number(b.split('.')[1]);
}

function firstStepOf(
  address: string,
  touch: Map<string, string[]>,
  pred: (id: string) => boolean = () => true,
): string | undefined {
  return (touch.get(address) ?? []).find(pred);
}

function liveOf(v: Verdict): LiveNode {
  return (v as { live: LiveNode }).live;
}

function depth(n: LiveNode): number {
  return n.address.split('].').length;
}

function cascadedBy(
  live: LiveNode,
  liveBy: Map<string, LiveNode>,
  verdicts: Map<string, Verdict>,
  kinds: ReadonlyMap<string, AnyKind>,
): boolean {
  let parent = live.parent ? liveBy.get(live.parent) : undefined;
  while (parent) {
    const pv = verdicts.get(parent.address);
    const removed = pv?.kind === 'replace' || pv?.kind === 'delete' || (!pv && true);
    if (removed && kinds.get(parent.type)?.cascades) return true;
    parent = parent.parent ? liveBy.get(parent.parent) : undefined;
  }
  return false;
}

function parentCascades(
  live: LiveNode,
  verdicts: Map<string, Verdict>,
  kinds: ReadonlyMap<string, AnyKind>,
): boolean {
  let p = live.parent;
  while (p) {
    const pv = verdicts.get(p);
    if (
      (pv?.kind === 'replace' || pv?.kind === 'delete') &&
      'live' in pv &&
      kinds.get(pv.live.type)?.cascades
    ) {
      return true;
    }
    p = pv && 'live' in pv ? pv.live.parent : undefined;
  }
  return false;
}

const SECRET_LIKE = /key|secret|token|password|content/i;

function compareAttrs(node: DesiredNode, live: LiveNode, h: AnyKind): AttributeChange[] {
  const out: AttributeChange[] = [];
  const sensitive = new Set(node.sensitive ?? []);
  for (const [path, want] of Object.entries(node.attrs)) {
    if (want === undefined) continue;
    const have = live.attrs[path];
    if (attributeEqual(want, have)) continue;
    const change: AttributeChange = { path, after: toDisplayValue(want, sensitive.has(path)) };
    if (have !== undefined) change.before = toDisplayValue(have, sensitive.has(path));
    if (sensitive.has(path) || isSecretValue(want)) change.sensitive = true;
    if (!(path in h.updatable)) change.forcesReplacement = true;
    out.push(change);
  }
  return out;
}

/**
 * A user keeps naming a replaced object by its address, so its attributes compare equal, yet it
 * points at the old object's ID: the attributes that hold the address are changed (to the
 * replacement's ID, which `idOf` gives) so the old object can go (certificate rotation, a real
 * server replaced under its bindings). Returns the replaced references it found.
 */
function repointReplacedRefs(
  node: DesiredNode,
  live: LiveNode,
  h: AnyKind,
  attrs: AttributeChange[],
  verdicts: Map<string, Verdict>,
): string[] {
  const found: string[] = [];
  const sensitive = new Set(node.sensitive ?? []);
  for (const ref of node.refs) {
    if (verdicts.get(ref)?.kind !== 'replace') continue;
    for (const [path, want] of Object.entries(node.attrs)) {
      if (want === undefined || attrs.some((a) => a.path === path)) continue;
      if (!mentions(want, ref)) continue;
      const change: AttributeChange = {
        path,
        before: toDisplayValue(live.attrs[path], sensitive.has(path)),
        after: toDisplayValue(want, sensitive.has(path)),
      };
      if (!(path in h.updatable)) change.forcesReplacement = true;
      attrs.push(change);
      if (!found.includes(ref)) found.push(ref);
    }
  }
  return found;
}

function mentions(v: unknown, address: string): boolean {
  if (v === address) return true;
  if (Array.isArray(v)) return v.some((x) => mentions(x, address));
  if (typeof v === 'object' && v !== null && !isSecretValue(v))
    return Object.values(v).some((x) => mentions(x, address));
  return false;
}

function refuseMissingExternals(nodes: readonly DesiredNode[], code: ErrorCode): void {
  if (nodes.length === 0) return;
  throw new EdgeformError({
    code,
    message: `objects declared external (not owned by this stack) do not exist live: ${nodes.map((n) => n.address).join(', ')}`,
    resolution:
      'create them first (with the stack that owns them), or correct their address; edgeform never creates an external object',
    details: nodes.map((n) =>
      n.source ? `${n.source.file}:${n.source.line}:${n.source.column} ${n.address}` : n.address,
    ),
  });
}

function refuseProtected(verdicts: Map<string, Verdict>): void {
  const replaced: string[] = [];
  const removed: string[] = [];
  for (const v of verdicts.values()) {
    if (v.kind === 'replace' && v.node.protect) replaced.push(v.node.address);
    // The declaration is gone, the protection is not: it is recorded on the live object.
    if (v.kind === 'delete' && v.live.protect) removed.push(`${v.live.address} (${v.live.id})`);
  }
  if (removed.length > 0) {
    throw new EdgeformError({
      code: 'PROTECTED_OBJECT',
      message: `the plan would destroy protected objects whose declarations were removed: ${removed.join(', ')}`,
      resolution:
        'restore the declarations to keep them. To destroy one on purpose, first declare it with `protect: false` and apply (that removes its edgeform:protect tag), then remove the declaration',
      details: removed.map((r) => `${r}: tagged edgeform:protect=true`),
    });
  }
  if (replaced.length > 0) {
    throw new EdgeformError({
      code: 'PROTECTED_OBJECT',
      message: `the plan would replace protected objects: ${replaced.join(', ')}`,
      resolution:
        'revert the change that forces replacement (see `# forces replacement` in `edgeform plan`), or remove `protect: true` from the object first',
    });
  }
}

function toChange(v: Verdict, provider: string, kinds: ReadonlyMap<string, AnyKind>): ResourceChange {
  const node = 'node' in v ? v.node : undefined;
  const live = 'live' in v ? v.live : undefined;
  const address = (node ?? live)!.address;
  const type = (node ?? live)!.type;
  const base = {
    address,
    provider,
    type,
    ...(live ? { id: live.id } : {}),
    ...(live?.busy ? { busy: live.busy } : {}),
  };
  const kind: ChangeKind = v.kind;
  const outputs = kinds.get(type)?.outputs;
  switch (v.kind) {
    case 'create':
      return {
        ...base,
        kind,
        attributes: [
          ...Object.entries(v.node.attrs)
            .filter(([, x]) => x !== undefined)
            .map(([path, x]) => ({
              path,
              after: toDisplayValue(x, (v.node.sensitive ?? []).includes(path)),
            })),
          ...(outputs?.names ?? []).map((path) => ({ path, after: KNOWN_AFTER_APPLY })),
        ],
      };
    case 'update':
      return { ...base, kind, attributes: v.attrs, ...(v.reason ? { reason: v.reason } : {}) };
    case 'replace': {
      // The replacement is a new object: every server-assigned value changes.
      const was = outputs?.of(v.live) ?? {};
      const renewed: AttributeChange[] = (outputs?.names ?? []).map((path) => ({
        path,
        ...(was[path] !== undefined ? { before: was[path] } : {}),
        after: KNOWN_AFTER_APPLY,
      }));
      return {
        ...base,
        kind,
        attributes: [...v.attrs, ...renewed],
        ...(v.reason ? { reason: v.reason } : {}),
      };
    }
    case 'delete':
      // What is removed, so that a reviewer sees more than a name. Live values hold no secret (a
      // certificate's key is read back as a fingerprint), but secret-like fields stay hidden anyway.
      return {
        ...base,
        kind,
        attributes: Object.entries(v.live.attrs)
          .filter(([, x]) => x !== undefined)
          .map(([path, x]) => ({ path, before: toDisplayValue(x, SECRET_LIKE.test(path)) })),
        reason: v.cascaded ? 'removed from the YAML; deleted with its parent' : 'removed from the YAML',
      };
    case 'no-op':
      return { ...base, kind, attributes: [] };
    default: {
      const never: never = v;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
}
