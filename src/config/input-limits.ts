/**
 * NOTE: input bounds. Past these a file is an attack or a mistake, not a configuration, and is
 * refused, located (INPUT_TOO_LARGE), before anything recurses over it or works on it for long:
 * the yaml composer, toJS, the schema validator and the rules recurse once per level of nesting
 * (100,000 levels ended as "Maximum call stack size exceeded"), a 15 MB scalar took 12 s, and the
 * `yaml` package reads about 0.7 MB of YAML per second of CPU. The deepest example nests 9
 * levels; the longest scalar a stack needs is a certificate chain (tens of KB).
 */

/** Levels of mappings and sequences, aliases expanded. */
export const MAX_NESTING = 64;

/** Characters of one scalar (a key or a value). */
export const MAX_SCALAR_CHARS = 1024 * 1024;

/**
 * Bytes of a file that the fast parser (yaml-fast-path.ts) does not take and the `yaml` package
 * would have to read (about 3 s of CPU). Larger files are read by the fast parser only: plain
 * block YAML, flow collections on one line, quoted scalars on one line, anchors and merge keys.
 */
export const MAX_SLOW_PATH_BYTES = 2 * 1024 * 1024;
