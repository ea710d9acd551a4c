/**
 * The host API's deprecation timeline. A deprecated call still works (through its replacement,
 * when it was renamed): the host logs it once per activation and audits it (`deprecated-call`),
 * `warden validate` warns where the code calls it, and the panel shows it on the extension. From
 * `removedIn` on, the call fails with `ENOSYS` and a message naming the replacement.
 *
 * Versions are the host API's (`WARDEN_API_VERSION`, `host.extension.apiVersion`), not Warden's.
 */
import semver from 'semver';
import type { HostMethod } from './protocol';

export interface ApiDeprecation {
  /** The call as extensions write it after `host.`: `fs.read`. */
  call: string;
  /** The API version that deprecated it. */
  deprecatedIn: string;
  /** The API version from which it fails with ENOSYS. */
  removedIn: string;
  /** The call to use instead; a renamed call is forwarded to it. */
  replacement?: HostMethod;
  message: string;
}

export const API_DEPRECATIONS: readonly ApiDeprecation[] = [
  {
    call: 'fs.read',
    deprecatedIn: '1.0.0',
    removedIn: '2.0.0',
    replacement: 'fs.readText',
    message: 'host.fs.read(path) was renamed host.fs.readText(path): same argument, same result',
  },
];

const BY_CALL = new Map(API_DEPRECATIONS.map((d) => [d.call, d]));

export function deprecationOf(call: string, registry: readonly ApiDeprecation[] = API_DEPRECATIONS) {
  return registry === API_DEPRECATIONS ? BY_CALL.get(call) : registry.find((d) => d.call === call);
}

/** Whether a deprecated call is past its removal in the given API version. */
export function isRemoved(d: ApiDeprecation, apiVersion: string): boolean {
  return semver.gte(apiVersion, d.removedIn);
}

/** One line for logs, validate and the panel. */
export function describeDeprecation(d: ApiDeprecation, apiVersion: string): string {
  return isRemoved(d, apiVersion)
    ? `host.${d.call} was removed in API ${d.removedIn}: ${d.message}`
    : `host.${d.call} is deprecated since API ${d.deprecatedIn} and will be removed in ${d.removedIn}: ${d.message}`;
}
