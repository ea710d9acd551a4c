// Warden's own files, as the fs gateway protects them: by real name (also before they exist),
// case-folded where file systems usually are case-insensitive, by path segment (not prefix).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProtection } from '../../electron/core/gateways/fs/protection';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-protect-')));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('protected paths', () => {
  it('protects a folder that does not exist yet by the real name it will have', () => {
    fs.mkdirSync(path.join(base, 'real-home'));
    fs.symlinkSync(path.join(base, 'real-home'), path.join(base, 'home-link'));
    const p = createProtection([path.join(base, 'home-link', '.warden')], 'linux');
    // The gateway resolves ancestors: a request names the real path.
    expect(p.protects(path.join(base, 'real-home', '.warden', 'grants.json'))).toBe(true);
    expect(p.protects(path.join(base, 'home-link', '.warden'))).toBe(true);
    expect(p.protects(path.join(base, 'real-home', '.wardenx'))).toBe(false);
    expect(p.protects(path.join(base, 'real-home'))).toBe(false);
  });

  it('refuses with EPERM/policy, and for a removal also any folder that holds them', () => {
    const p = createProtection([path.join(base, 'data')], 'linux');
    expect(() => p.refuse('fs.read', path.join(base, 'data', 'x'), '~/x', false)).toThrow(
      expect.objectContaining({ code: 'EPERM', reason: 'policy' }),
    );
    expect(() => p.refuse('fs.write', base, '~', false)).not.toThrow();
    expect(() => p.refuse('fs.write', base, '~', true)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    expect(() => p.refuse('fs.write', path.join(base, 'other'), '~/other', true)).not.toThrow();
  });

  it('compares case-folded on macOS and Windows, exactly elsewhere', () => {
    const mac = createProtection(['/Users/ada/.warden'], 'darwin');
    expect(mac.protects('/Users/ada/.WARDEN/grants.json')).toBe(true);
    expect(mac.protects('/users/ADA/.warden')).toBe(true);
    const win = createProtection(['C:\\Users\\Ada\\AppData\\Roaming\\Warden'], 'win32');
    expect(win.protects('c:\\users\\ada\\appdata\\roaming\\WARDEN\\grants.json')).toBe(true);
    expect(win.protects('C:\\Users\\Ada\\AppData\\Roaming\\Warden2')).toBe(false);
    const linux = createProtection(['/home/ada/.warden'], 'linux');
    expect(linux.protects('/home/ada/.WARDEN')).toBe(false);
  });
});
