// The start-up snapshot's entry (dist/sandbox/snapshot.cjs) after esbuild: SES's lockdown-only
// tables are let go once lockdown has run, so that the V8 heap in the blob no longer holds them.
//
// Why: every extension process deserialises (and rehashes) the whole heap of the blob at start.
// SES keeps its permits (the table of every intrinsic property lockdown allows) and its override
// enablements in module-level bindings forever, though nothing reads them after lockdown:
// lockdown() and repairIntrinsics() refuse to run twice before they would look, and the
// Compartment constructor reads neither. Letting them go takes ~1,100 objects and 60 KB out of
// the blob and ~1.5 ms off each cold start (measured against the same blob with them kept).
//
// SES gives no API for this, so the bundle's text is changed, and only when it has exactly the
// shape this was written for: each binding declared once at the bundle's top level (the scope the
// entry's code runs in), and one marker call, releaseLockdownTables(), in the entry. Anything else
// (a SES upgrade that renamed or moved them) fails the build, rather than silently keeping or
// breaking them.
import fs from 'node:fs';

export const LOCKDOWN_TABLES = ['permitted', 'minEnablements', 'moderateEnablements', 'severeEnablements'];
const MARKER = 'releaseLockdownTables();';

export function releaseLockdownTables(file) {
  const text = fs.readFileSync(file, 'utf8');
  const count = (needle) => text.split(needle).length - 1;
  const problems = [];
  for (const name of LOCKDOWN_TABLES) {
    const declared = count(`var ${name}=`);
    if (declared !== 1) problems.push(`"var ${name}=" is declared ${declared} times (expected once)`);
    // A renamed copy (name2, …) would mean esbuild had to rename one of two bindings.
    if (new RegExp(`\\b${name}\\d+\\b`).test(text)) problems.push(`"${name}" has a renamed twin`);
  }
  // The marker's call site (the function's own declaration is `function releaseLockdownTables()`).
  const calls = count(`;${MARKER}`) + count(`\n${MARKER}`);
  if (calls !== 1) problems.push(`the entry calls ${MARKER} ${calls} times (expected once)`);
  if (problems.length) throw new Error(`${file}: cannot release SES's lockdown-only tables: ${problems.join('; ')}`);
  const release = LOCKDOWN_TABLES.map((n) => `${n}=void 0;`).join('');
  const out = text.replace(new RegExp(`([;\\n])${MARKER.replace(/[()]/g, '\\$&')}`), (_, sep) => `${sep}${release}`);
  fs.writeFileSync(file, out);
}
