/**
 * Which URLs may reach a non-public address (loopback, private, link-local, CGNAT, metadata,
 * unique-local, and the IPv6 forms that embed them): the user consented to a host, not to whatever
 * its DNS answers. So a name an extension may control (`https://api.example.com/**`) never reaches
 * them, however it resolves; only
 * - a declared pattern whose host IS the address literal (`http://192.168.1.10/**`,
 *   `http://[::1]:8080/**`) — the literal is what the user saw and approved;
 * - a declared pattern naming `localhost`, and then only loopback addresses;
 * - or an admin policy that allows local-network access for this extension
 *   (`network.allowLocal`), for intranet tools.
 * Checked for every address of every hop (the gateway calls this per address).
 */
import type { AddressClass } from './ip-ranges';
import { compileNetPattern, isIpLiteral, patternNamesHost, type NetPattern } from './url-policy';

export type LocalAccessRule = (url: URL, address: AddressClass) => boolean;

export interface LocalAccessOptions {
  /** The manifest's declared net patterns (invalid ones are ignored: they match nothing). */
  patterns: readonly string[];
  /** The admin policy allows this extension to reach the local network. */
  policyAllowsLocal: boolean;
}

export function createLocalAccessRule(options: LocalAccessOptions): LocalAccessRule {
  if (options.policyAllowsLocal) return () => true;
  const compiled: NetPattern[] = [];
  for (const p of options.patterns) {
    try {
      compiled.push(compileNetPattern(p));
    } catch {
      // an invalid pattern grants nothing
    }
  }
  return (url, address) => {
    const named = compiled.filter((p) => patternNamesHost(p, url));
    if (named.length === 0) return false;
    // An IP-literal URL connects to that literal and nothing else; the pattern named it exactly.
    if (isIpLiteral(url)) return true;
    return url.hostname === 'localhost' && address.kind === 'loopback';
  };
}
