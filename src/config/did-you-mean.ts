/**
 * Edit distance (insert, delete, substitute, transpose adjacent) between two short strings.
 * With `max`, the answer is exact up to `max` and any larger distance is reported as `max + 1`
 * (the computation stops as soon as a whole row exceeds it): a suggestion only needs to know
 * whether a word is within reach, and a file with thousands of unknown keys asks thousands of
 * times.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  // Three rows: the one before the previous (for transpositions), the previous and the current.
  let before = new Int32Array(cols);
  let prev = new Int32Array(cols);
  let cur = new Int32Array(cols);
  for (let j = 0; j < cols; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const spare = before;
    before = prev;
    prev = cur;
    cur = spare;
  }
  const d = prev[b.length]!;
  return d > max ? max + 1 : d;
}

const normalised = new Map<string, string>();

/** Lower case without `-`/`_`; memoised, since the same schema keys are compared again and again. */
function norm(s: string): string {
  let n = normalised.get(s);
  if (n === undefined) {
    n = s.toLowerCase().replace(/[-_]/g, '');
    if (normalised.size < 10_000) normalised.set(s, n);
  }
  return n;
}

/**
 * The closest candidate, if it is close enough to be a typo: at most a third of the word's
 * length in edits (minimum 1), compared case-insensitively and ignoring `-`/`_` differences.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = norm(word);
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const n = norm(c);
    // Bounded by the best so far: only a strictly closer candidate replaces it (first wins ties).
    const distance = w === n ? 0 : editDistance(w, n, bestDistance - 1);
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
