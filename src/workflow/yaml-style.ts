import { isScalar, Scalar, type visitor } from 'yaml';

/**
 * How exported YAML is written, so it reads like the hand-written examples: switch words quoted
 * ("on"/"off"/"yes"/"no" are strings in YAML 1.2 but booleans to YAML 1.1 tools), and short lists of
 * scalars on one line (`codes: [301, 302]`).
 */
export const EXAMPLE_STYLE: visitor = {
  Scalar(_key, node) {
    if (typeof node.value === 'string' && /^(?:on|off|yes|no|y|n|true|false|null|~)$/i.test(node.value)) {
      node.type = Scalar.QUOTE_DOUBLE;
    }
  },
  Seq(_key, node) {
    const scalars = node.items.every((i) => isScalar(i));
    const width = node.items.reduce<number>((n, i) => n + String(isScalar(i) ? i.value : '').length + 4, 0);
    if (scalars && width <= 72) node.flow = true;
  },
};
