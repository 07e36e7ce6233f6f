import type { Diagnostic } from '../diagnostic-types.js';
import { diagnosticAt, isRecord } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

const HHII = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** speed_limit windows: valid HH:ii and end_time later than begin_time (no window across midnight). */
export const speedLimitTimesRule: Rule = {
  name: 'speed-limit-times',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const b of ctx.blocks) {
      const rules = b.config.speed_limit;
      if (!Array.isArray(rules)) continue;
      rules.forEach((r, i) => {
        if (!isRecord(r)) return;
        const at = [...b.path, 'speed_limit', i];
        const minutes: Partial<Record<'begin_time' | 'end_time', number>> = {};
        for (const field of ['begin_time', 'end_time'] as const) {
          const v = r[field];
          if (v === undefined) continue;
          const m = typeof v === 'string' ? HHII.exec(v) : null;
          if (!m) {
            out.push(
              diagnosticAt(b.file, [...at, field], {
                code: 'TIME_FORMAT',
                message: `${JSON.stringify(v)} is not a time HH:ii on the 24-hour clock (00:00 to 23:59)`,
                fix: 'write two-digit hours and minutes, e.g. "08:30"',
              }),
            );
            continue;
          }
          minutes[field] = Number(m[1]) * 60 + Number(m[2]);
        }
        if (
          minutes.begin_time !== undefined &&
          minutes.end_time !== undefined &&
          minutes.end_time <= minutes.begin_time
        ) {
          out.push(
            diagnosticAt(b.file, [...at, 'end_time'], {
              code: 'TIME_ORDER',
              message: `end_time ${String(r.end_time)} is not later than begin_time ${String(r.begin_time)}`,
              fix: 'Baishan requires end_time > begin_time; split a window that crosses midnight into two rules',
            }),
          );
        }
      });
    }
    return out;
  },
};

/** cache_rule_list priorities are sort keys and must not repeat. */
export const cacheRulePriorityRule: Rule = {
  name: 'cache-rule-priority',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const b of ctx.blocks) {
      const rules = b.config.cache_rule_list;
      if (!Array.isArray(rules)) continue;
      const seen = new Map<number, number>();
      rules.forEach((r, i) => {
        if (!isRecord(r) || typeof r.priority !== 'number') return;
        const prev = seen.get(r.priority);
        if (prev === undefined) {
          seen.set(r.priority, i);
          return;
        }
        out.push(
          diagnosticAt(b.file, [...b.path, 'cache_rule_list', i, 'priority'], {
            code: 'DUPLICATE_PRIORITY',
            message: `priority ${r.priority} is already used by rule ${prev}`,
            fix: 'give every rule its own priority (lower value = higher priority)',
            related: [b.file.source.locate([...b.path, 'cache_rule_list', prev, 'priority'])],
          }),
        );
      });
    }
    return out;
  },
};

/** origin.default_slave must not repeat an address of default_master. */
export const originBackupRule: Rule = {
  name: 'origin-backup-disjoint',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const b of ctx.blocks) {
      const origin = b.config.origin;
      if (
        !isRecord(origin) ||
        typeof origin.default_master !== 'string' ||
        typeof origin.default_slave !== 'string'
      ) {
        continue;
      }
      const master = new Set(origin.default_master.split(',').map((s) => s.trim().toLowerCase()));
      const shared = origin.default_slave.split(',').filter((s) => master.has(s.trim().toLowerCase()));
      if (shared.length === 0) continue;
      out.push(
        diagnosticAt(b.file, [...b.path, 'origin', 'default_slave'], {
          code: 'ORIGIN_BACKUP_OVERLAP',
          message: `default_slave repeats ${shared.join(', ')} from default_master`,
          fix: 'list each origin once: primaries in default_master, backups in default_slave',
        }),
      );
    }
    return out;
  },
};
