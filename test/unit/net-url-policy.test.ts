import { describe, expect, it } from 'vitest';
import { WardenError } from '../../electron/common/errors';
import {
  compileNetPattern,
  matchNetPattern,
  normalizeRequestUrl,
  patternNamesHost,
} from '../../electron/core/gateways/net/url-policy';

function einval(input: unknown): WardenError {
  try {
    normalizeRequestUrl(input);
  } catch (err) {
    expect(err).toBeInstanceOf(WardenError);
    expect((err as WardenError).code).toBe('EINVAL');
    return err as WardenError;
  }
  throw new Error(`expected ${String(input)} to be refused`);
}

const matches = (pattern: string, url: string) => matchNetPattern(compileNetPattern(pattern), normalizeRequestUrl(url));

describe('net URL normalisation', () => {
  it.each([
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['http://017700000001/', 'http://127.0.0.1/'],
    ['http://127.1/', 'http://127.0.0.1/'],
    ['http://0/', 'http://0.0.0.0/'],
    ['http://%31%32%37.0.0.1/', 'http://127.0.0.1/'],
    ['http://１２７。０。０。１/', 'http://127.0.0.1/'],
    ['http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/'],
    ['http:\\\\evil.com\\', 'http://evil.com/'],
    ['http://example.com./', 'http://example.com/'],
    ['http://localhost./', 'http://localhost/'],
    ['http://аpple.com/', 'http://xn--pple-43d.com/'],
    ['HTTPS://API.Example.COM:443/a/../b/%2e%2e/c?q=1#frag', 'https://api.example.com/c?q=1'],
    ['http://example.com:80/x', 'http://example.com/x'],
    ['https://example.com:8443/x', 'https://example.com:8443/x'],
    ['http://\texample.com/', 'http://example.com/'],
  ])('%s → %s', (input, href) => {
    expect(normalizeRequestUrl(input).href).toBe(href);
  });

  it('refuses userinfo instead of guessing which host was meant', () => {
    expect(einval('http://allowed.com@evil.com/').message).toMatch(/userinfo/);
    einval('http://allowed.com:80@evil.com/');
    einval('http://user:pass@example.com/');
    einval('http://evil.com@allowed.com/');
  });

  it('refuses other schemes, non-strings, empty labels and junk', () => {
    for (const bad of [
      'file:///etc/passwd',
      'ftp://example.com/',
      'data:text/plain,hi',
      'javascript:alert(1)',
      'ws://example.com/',
      '/relative',
      'http://',
      'http://example.com../',
      'http://a..b/',
      'http://.a/',
      `http://example.com/${'a'.repeat(9000)}`,
    ]) {
      einval(bad);
    }
    einval(42);
    einval(undefined);
  });
});

describe('net patterns', () => {
  it('matches scheme, host, port and path glob', () => {
    expect(matches('https://api.github.com/**', 'https://api.github.com/repos/x?per_page=5')).toBe(true);
    expect(matches('https://api.github.com/**', 'https://api.github.com')).toBe(true);
    expect(matches('https://api.github.com/**', 'http://api.github.com/')).toBe(false);
    expect(matches('https://api.github.com/**', 'https://api.github.com:8443/')).toBe(false);
    expect(matches('https://api.github.com/**', 'https://API.GITHUB.COM./x')).toBe(true);
    expect(matches('https://api.github.com/**', 'https://github.com/')).toBe(false);
    expect(matches('https://api.github.com/**', 'https://api.github.com.evil.com/')).toBe(false);
    expect(matches('https://api.github.com', 'https://api.github.com/anything')).toBe(true);
    expect(matches('https://h.test/repos/*/issues', 'https://h.test/repos/x/issues')).toBe(true);
    expect(matches('https://h.test/repos/*/issues', 'https://h.test/repos/x/y/issues')).toBe(false);
    expect(matches('https://h.test/api/**', 'https://h.test/api')).toBe(true);
    expect(matches('https://h.test/api/**', 'https://h.test/apix')).toBe(false);
    // Dot segments are resolved before matching: no escaping the declared prefix.
    expect(matches('https://h.test/api/**', 'https://h.test/api/../admin')).toBe(false);
    expect(matches('https://h.test/api/**', 'https://h.test/api/%2e%2e/admin')).toBe(false);
    expect(matches('http://h.test:8080/**', 'http://h.test:8080/x')).toBe(true);
    expect(matches('http://h.test:*/**', 'http://h.test:9999/x')).toBe(true);
  });

  it('wildcards match subdomains only, never IP literals or the apex', () => {
    expect(matches('https://*.example.com/**', 'https://a.b.example.com/')).toBe(true);
    expect(matches('https://*.example.com/**', 'https://example.com/')).toBe(false);
    expect(matches('https://*.example.com/**', 'https://badexample.com/')).toBe(false);
    expect(matches('https://*/**', 'https://anything.test/')).toBe(true);
  });

  it('an IDN homograph does not match the ASCII pattern it imitates', () => {
    expect(matches('https://apple.com/**', 'https://аpple.com/')).toBe(false); // Cyrillic а
    expect(matches('https://apple.com/**', 'https://apple.com/')).toBe(true);
    // A pattern written in Unicode is compared in its punycode form.
    expect(matches('https://аpple.com/**', 'https://xn--pple-43d.com/')).toBe(true);
  });

  it('numeric host spellings are the same host after parsing', () => {
    expect(matches('http://127.0.0.1:8080/**', 'http://0x7f.1:8080/')).toBe(true);
    expect(matches('http://[::1]/**', 'http://[0:0:0:0:0:0:0:1]/')).toBe(true);
  });

  it('says when a pattern names the host explicitly (the allowPrivate rule)', () => {
    const url = normalizeRequestUrl('http://localhost:8080/x');
    expect(patternNamesHost(compileNetPattern('http://localhost:8080/**'), url)).toBe(true);
    expect(patternNamesHost(compileNetPattern('http://localhost/**'), url)).toBe(false);
    expect(patternNamesHost(compileNetPattern('http://*/**'), url)).toBe(false);
    expect(patternNamesHost(compileNetPattern('http://*.localhost:8080/**'), url)).toBe(false);
    expect(patternNamesHost(compileNetPattern('https://localhost:8080/**'), url)).toBe(false);
  });

  it('refuses malformed patterns', () => {
    for (const bad of [
      'api.github.com',
      'ftp://x/',
      'https://a*b.com/',
      'https://user@x.com/',
      'https://x.com:99999/',
    ]) {
      expect(() => compileNetPattern(bad)).toThrow(WardenError);
    }
  });
});
