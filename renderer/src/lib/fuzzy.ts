/**
 * A small fuzzy matcher for the command palette: every query character must appear in order
 * (case-insensitive); matches at word starts and in runs score higher, and a shorter text wins a
 * tie. No library: the palette filters a few hundred strings per keystroke.
 */

/** The score of `query` against `text`, or null when it does not match. Higher is better. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (q === '') return 0;
  const t = text.toLowerCase();
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    const found = t.indexOf(ch, ti);
    if (found < 0) return null;
    const atWordStart = found === 0 || /[\s._\-/:]/.test(t[found - 1]!);
    run = found === ti && ti > 0 ? run + 1 : 0;
    score += 1 + (atWordStart ? 3 : 0) + run * 2 - Math.min(found - ti, 5) * 0.1;
    ti = found + 1;
  }
  return score - t.length * 0.01;
}

/**
 * Filters and ranks `items` by their text; with an empty query, keeps the input order.
 *
 * @param query - what the user typed
 * @param items - the candidates
 * @param text - the searchable text of a candidate
 */
export function fuzzyFilter<T>(query: string, items: readonly T[], text: (item: T) => string): T[] {
  if (query.trim() === '') return [...items];
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, text(item));
    if (score !== null) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}
