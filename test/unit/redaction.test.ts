// The host's redactor (platform/redaction.ts), which every audit record and prompt passes
// through: learned secret values anywhere, credentials by shape. Text with none of the
// characters a shape needs skips the shape searches; these cases pin that the skip never lets
// a credential through and that ordinary text is left as it is.
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../electron/core/platform/redaction';
import { createAuditLog } from '../../electron/core/platform/audit-log';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('redactor', () => {
  const r = createRedactor();

  it('leaves ids, paths and methods as they are', () => {
    for (const s of ['bench.fspolicy', '/home/u/Documents/report.pdf', 'fs.readText', '~/Notes/n1/a.md', 'allow', ''])
      expect(r.text(s)).toBe(s);
  });

  it('redacts each credential shape, including in paths and one-word texts', () => {
    expect(r.text('/data/x?api_key=abc123&q=1')).toBe(`/data/x?api_key=${REDACTED}&q=1`);
    expect(r.text('token=abcdef')).toBe(`token=${REDACTED}`);
    expect(r.text('Bearer abcdefgh')).toBe(`Bearer ${REDACTED}`);
    expect(r.text('sent\tBasic\u00a0dXNlcjpwYXNz')).toBe(`sent\tBasic ${REDACTED}`);
    expect(r.text('Authorization: xyz')).toBe(`Authorization: ${REDACTED}`);
    expect(r.text('cookie=session1')).toBe(`cookie=${REDACTED}`);
    expect(r.text('https://user:hunter2@example.com/p')).toBe(`https://user:${REDACTED}@example.com/p`);
  });

  it('redacts a learned secret value wherever it appears, shape or not', () => {
    const learned = createRedactor();
    learned.add('s3cr3tvalue');
    expect(learned.text('/home/u/s3cr3tvalue/file')).toBe(`/home/u/${REDACTED}/file`);
    expect(learned.text('pfx-s3cr3tvalue')).toBe(`pfx-${REDACTED}`);
  });
});

describe('audit records through the redactor', () => {
  it('redact string fields by shape and learned value, credential-named fields whole, numbers kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-redact-'));
    try {
      const redactor = createRedactor();
      redactor.add('hunter2hunter2');
      const file = path.join(dir, 'audit.jsonl');
      const log = createAuditLog({ file, redact: redactor.text });
      log.write({ ext: 'a.one', kind: 'operation', method: 'fs.readText', target: '/p/hunter2hunter2', bytes: 7 });
      log.write({ ext: 'a.one', kind: 'decision', target: 'https://h/x?token=abc', ...{ password: 'pw' } });
      const [a, b] = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(a).toMatchObject({ ext: 'a.one', method: 'fs.readText', target: `/p/${REDACTED}`, bytes: 7 });
      expect(b).toMatchObject({ target: `https://h/x?token=${REDACTED}`, password: REDACTED });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
