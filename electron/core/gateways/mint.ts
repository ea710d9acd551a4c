/**
 * The only constructor of a CanonicalTarget. Imported by the gateways' canonicalisers alone (a
 * lint rule keeps it out of every other file), so a target is canonical by construction.
 */
import type { CanonicalString, CanonicalTarget, TargetKind } from './target';

export function mintTarget(kind: TargetKind, canonical: string, display: string): CanonicalTarget {
  return Object.freeze({ kind, canonical: canonical as CanonicalString, display });
}
