import { isPlainObject } from '../../core/json.js';
import type { StoredConfig } from './baishan-apply.js';

/** One domain of the token's account (docs/emulator-baishan.md, State and admin). */
export interface DomainRecord {
  name: string;
  /** A digit string, as GET's `domain_id` and the POST echo's `id` are. */
  id: string;
  /** [000]'s status vocabulary: online, offline, configuring, ... Only `online` accepts writes. */
  status: string;
  config: StoredConfig;
}

export interface BaishanSnapshot {
  version: 1;
  nextId: number;
  domains: DomainRecord[];
}

const FIRST_ID = 25419; // the domain_id of [003]'s example, so the first domain looks familiar

/** The domains of the one emulated account, keyed by lower-case name (DNS names are case-insensitive). */
export class DomainStore {
  #domains = new Map<string, DomainRecord>();
  #nextId = FIRST_ID;

  get(name: string): DomainRecord | undefined {
    return this.#domains.get(name.toLowerCase());
  }

  /** A new online record with an empty config, not stored yet (a failed call must create nothing). */
  draft(name: string, status = 'online'): DomainRecord {
    return { name, id: String(this.#nextId++), status, config: {} };
  }

  put(record: DomainRecord): void {
    this.#domains.set(record.name.toLowerCase(), record);
  }

  /** Registers a domain, or changes the status of an existing one (its config is kept). */
  register(name: string, status = 'online'): DomainRecord {
    const existing = this.get(name);
    if (existing) {
      existing.status = status;
      return existing;
    }
    const record = this.draft(name, status);
    this.put(record);
    return record;
  }

  clear(): void {
    this.#domains.clear();
  }

  snapshot(): BaishanSnapshot {
    return { version: 1, nextId: this.#nextId, domains: structuredClone([...this.#domains.values()]) };
  }

  restore(state: unknown): void {
    if (!isPlainObject(state) || !Array.isArray(state.domains)) {
      throw new Error('baishan emulator state: expected {domains: [...]}');
    }
    const records = (state.domains as unknown[]).map(recordOf);
    this.#domains.clear();
    for (const record of records) this.put(record);
    const maxId = Math.max(FIRST_ID - 1, ...records.map((r) => Number(r.id)).filter(Number.isFinite));
    this.#nextId = Math.max(typeof state.nextId === 'number' ? state.nextId : 0, maxId + 1);
  }
}

function recordOf(raw: unknown): DomainRecord {
  if (!isPlainObject(raw) || typeof raw.name !== 'string' || typeof raw.id !== 'string') {
    throw new Error('baishan emulator state: a domain needs a name and an id');
  }
  return {
    name: raw.name,
    id: raw.id,
    status: typeof raw.status === 'string' ? raw.status : 'online',
    config: isPlainObject(raw.config) ? structuredClone(raw.config) : {},
  };
}
