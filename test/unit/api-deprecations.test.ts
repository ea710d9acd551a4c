// The deprecation timeline's host side: a renamed call runs as its replacement, is logged and
// audited once per activation, and fails with ENOSYS once the API version reaches `removedIn`.
import { describe, expect, it } from 'vitest';
import { createDeprecationTracker } from '../../electron/core/host-api/deprecations';
import { API_DEPRECATIONS, deprecationOf, isRemoved } from '../../electron/common/api-deprecations';
import { HOST_METHOD_ARGS } from '../../electron/common/protocol';
import { WARDEN_API_VERSION } from '../../electron/common/version';
import type { AuditLog, AuditRecord } from '../../electron/core/platform/audit-log';

function fakeAudit(): AuditLog & { records: Array<Omit<AuditRecord, 'time'>> } {
  const records: Array<Omit<AuditRecord, 'time'>> = [];
  return { records, write: (r) => void records.push(r), read: () => [], file: '', subscribe: () => () => {} };
}

describe('the registry', () => {
  it('every entry is typed, ordered, and names a replacement the protocol has', () => {
    for (const d of API_DEPRECATIONS) {
      expect(d.call in HOST_METHOD_ARGS, d.call).toBe(true);
      if (d.replacement) expect(d.replacement in HOST_METHOD_ARGS).toBe(true);
      expect(isRemoved({ ...d, removedIn: d.deprecatedIn }, d.deprecatedIn)).toBe(true);
      expect(d.message.length).toBeGreaterThan(0);
    }
    // This host still serves fs.read (deprecated, not removed).
    expect(isRemoved(deprecationOf('fs.read')!, WARDEN_API_VERSION)).toBe(false);
  });
});

describe('the tracker', () => {
  it('forwards fs.read to fs.readText, warning and auditing once per activation', () => {
    const audit = fakeAudit();
    const warnings: string[] = [];
    const t = createDeprecationTracker({ extensionId: 'acme.x', audit, warn: (m) => warnings.push(m) });
    expect(t.resolve('fs.readText')).toBe('fs.readText');
    expect(t.resolve('fs.read')).toBe('fs.readText');
    expect(t.resolve('fs.read')).toBe('fs.readText');
    expect(warnings).toEqual([
      'host.fs.read is deprecated since API 1.0.0 and will be removed in 2.0.0: host.fs.read(path) was renamed host.fs.readText(path): same argument, same result',
    ]);
    expect(audit.records).toEqual([{ ext: 'acme.x', kind: 'deprecated-call', method: 'fs.read', detail: warnings[0] }]);
    t.newActivation();
    t.resolve('fs.read');
    expect(warnings).toHaveLength(2);
    expect(audit.records).toHaveLength(2);
    expect(t.used().map((d) => d.call)).toEqual(['fs.read']);
  });

  it('past removedIn the call fails with ENOSYS, naming the replacement, and is audited as denied', () => {
    const audit = fakeAudit();
    const t = createDeprecationTracker({ extensionId: 'acme.x', audit, apiVersion: '2.0.0' });
    expect(() => t.resolve('fs.read')).toThrow(expect.objectContaining({ code: 'ENOSYS' }));
    expect(() => t.resolve('fs.read')).toThrow(/removed in API 2\.0\.0.*host\.fs\.readText/);
    expect(audit.records).toMatchObject([{ kind: 'deprecated-call', decision: 'deny', reason: 'removed' }]);
  });
});
