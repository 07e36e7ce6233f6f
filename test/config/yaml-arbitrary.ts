import fc from 'fast-check';
import { stringify } from 'yaml';

/**
 * YAML documents as yaml.stringify writes JSON values: block, flow, or block with sequences not
 * indented under their key; keys and strings chosen to hit YAML's special cases.
 */
export function yamlDocuments(): fc.Arbitrary<string> {
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a', 'b b', 'x-y', '<<', 'on', '1'));
  const leaf = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('true', 'null', '0x1f', '1.0', '#x', 'a: b', '- x', "it's", '"q"', ' lead', 'trail '),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, tie('arr'), tie('obj')),
    arr: fc.array(tie('node'), { maxLength: 4 }),
    obj: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  })).obj;
  const styles = [{}, { collectionStyle: 'flow' as const, lineWidth: 0 }, { indentSeq: false }];
  return fc.tuple(value, fc.constantFrom(0, 1, 2)).map(([v, style]) => stringify(v, styles[style]!));
}
