import type { Diagnostic } from '../diagnostic-types.js';
import { l4Listeners, l7Rules } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** ConnectTimeout must be less than DelayLoop: a check may not outlast the interval between checks. */
export const gaapHealthCheckTimeoutRule: Rule = {
  name: 'gaap-health-check-timeout',
  check(ctx) {
    const out: Diagnostic[] = [];
    const check = (
      file: StackFile,
      path: PathSegment[],
      hc: { delayLoop?: number; connectTimeout?: number } | undefined,
    ) => {
      if (hc?.delayLoop === undefined || hc.connectTimeout === undefined) return;
      if (hc.connectTimeout < hc.delayLoop) return;
      out.push(
        diagnosticAt(file, [...path, 'connectTimeout'], {
          code: 'HEALTH_CHECK_TIMEOUT',
          message: `connectTimeout ${hc.connectTimeout} is not less than delayLoop ${hc.delayLoop}`,
          fix: 'make connectTimeout (seconds to wait for an answer) smaller than delayLoop (seconds between checks)',
          related: [file.source.locate([...path, 'delayLoop'])],
        }),
      );
    };
    for (const l of l4Listeners(ctx.gaap))
      check(l.parent.file, [...l.path, 'healthCheck'], l.listener.healthCheck);
    for (const r of l7Rules(ctx.gaap)) {
      check(r.domain.listener.parent.file, [...r.path, 'healthCheck'], r.rule.healthCheck);
    }
    return out;
  },
};
