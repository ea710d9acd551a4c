/**
 * Declared permissions against what the code visibly does: a declared capability no host call
 * uses (least privilege), and a host call the manifest does not allow where the target is a
 * literal in the code (`host.net.fetch('https://other.example/…')`, `host.fs.readText('~/x')`,
 * `host.secrets.get('NAME')`), which the broker would deny at run time anyway.
 */
import type { Manifest } from '../../../common/manifest';
import type { Capability } from '../../../common/protocol';
import { expandHome, matchFsPattern, matchNetPatternText } from '../../permissions/patterns';
import { normalizeRequestUrl } from '../../gateways/net/url-policy';
import { position, staticPrefix, unwrap, type AnyNode } from './ast';
import type { HostCallSites } from './host-calls';

/** Which capability a host call needs (pickers need none but use both fs capabilities). */
const CALL_CAPABILITY: Record<string, Capability[]> = {
  'net.fetch': ['net'],
  'fs.readText': ['fs.read'],
  'fs.readBytes': ['fs.read'],
  'fs.read': ['fs.read'],
  'fs.list': ['fs.read'],
  'fs.stat': ['fs.read'],
  'fs.writeText': ['fs.write'],
  'fs.writeBytes': ['fs.write'],
  'fs.mkdir': ['fs.write'],
  'fs.remove': ['fs.write'],
  'fs.pickFile': ['fs.read', 'fs.write'],
  'fs.pickDirectory': ['fs.read', 'fs.write'],
  'secrets.get': ['secrets'],
  'ui.notify': ['notifications'],
};
const NAMESPACE_CAPABILITIES: Record<string, Capability[]> = {
  net: ['net'],
  fs: ['fs.read', 'fs.write'],
  secrets: ['secrets'],
  ui: ['notifications'],
};
const CAPABILITIES = ['fs.read', 'fs.write', 'net', 'secrets', 'notifications'] as const;

/** Literal `~/…` paths are checked against a home that does not exist, so no symlink is resolved. */
const NEUTRAL_HOME = '/nonexistent-warden-home';

export interface CapabilityHit {
  kind: 'unused' | 'undeclared';
  capability: Capability;
  message: string;
  /** Set for code findings; unused permissions are located in manifest.json. */
  at?: { line: number; column: number };
}

function declared(manifest: Manifest, cap: Capability): boolean {
  const p = manifest.permissions;
  if (cap === 'notifications') return p.notifications === true;
  return (p[cap]?.length ?? 0) > 0;
}

/** A URL's text up to the first dynamic part: `'https://a.b/' + x` → `https://a.b/` (incomplete). */
function urlText(node: AnyNode): { text: string; complete: boolean } | undefined {
  const n = unwrap(node);
  if (n.type === 'BinaryExpression' && n.operator === '+') {
    const left = urlText(n.left as AnyNode);
    return left && { text: left.text, complete: false };
  }
  return staticPrefix(n);
}

/** `https://host[:port]` when the text shows the whole origin (a `/`, `?` or `#` follows the host). */
function visibleOrigin(text: string, complete: boolean): string | undefined {
  const m = /^(https?:\/\/[^/?#]+)[/?#]/.exec(complete ? `${text}/` : text);
  return m?.[1];
}

function checkNet(manifest: Manifest, arg: AnyNode | undefined): string | undefined {
  const patterns = manifest.permissions.net ?? [];
  const url = arg && urlText(arg);
  if (!url) return undefined;
  if (url.complete) {
    let parsed: URL;
    try {
      parsed = normalizeRequestUrl(url.text);
    } catch {
      return undefined; // refused at run time as EINVAL, not a permission matter
    }
    if (patterns.some((p) => matchNetPatternText(p, parsed))) return undefined;
    return `host.net.fetch("${parsed.href}") is outside the declared net patterns`;
  }
  const origin = visibleOrigin(url.text, false);
  if (!origin) return undefined;
  let parsed: URL;
  try {
    parsed = normalizeRequestUrl(`${origin}/`);
  } catch {
    return undefined;
  }
  // Only the origin is known: compare with each pattern's origin.
  const anyPath = (p: string) => p.replace(/^(https?:\/\/[^/]+).*$/, '$1/**');
  if (patterns.some((p) => matchNetPatternText(anyPath(p), parsed))) return undefined;
  return `host.net.fetch("${origin}/…") reaches an origin no declared net pattern allows`;
}

function checkFs(manifest: Manifest, cap: 'fs.read' | 'fs.write', name: string, arg: AnyNode | undefined) {
  const text = arg && staticPrefix(unwrap(arg));
  if (!text?.complete) return undefined;
  const p = text.text;
  if (!(p === '~' || p.startsWith('~/') || p.startsWith('/'))) return undefined; // private folder
  const target = expandHome(p, NEUTRAL_HOME);
  const patterns = manifest.permissions[cap] ?? [];
  if (patterns.some((pattern) => matchFsPattern(pattern, target, NEUTRAL_HOME))) return undefined;
  return `host.${name}("${p}") is outside the declared ${cap} patterns`;
}

export function checkCapabilities(manifest: Manifest, host: HostCallSites): CapabilityHit[] {
  const hits: CapabilityHit[] = [];
  const used = new Set<Capability>();
  for (const ns of host.dynamic) for (const c of NAMESPACE_CAPABILITIES[ns] ?? []) used.add(c);
  for (const { node, name } of host.calls) {
    const args = node.arguments as AnyNode[];
    for (const c of CALL_CAPABILITY[name] ?? []) used.add(c);
    // permissions.query/request('net', …) plans to use that capability.
    if (name === 'permissions.request' || name === 'permissions.query') {
      const cap = args[0] && staticPrefix(unwrap(args[0]));
      if (cap?.complete && (CAPABILITIES as readonly string[]).includes(cap.text)) used.add(cap.text as Capability);
      else for (const c of CAPABILITIES) used.add(c);
    }
    const caps = CALL_CAPABILITY[name];
    if (!caps || name.startsWith('fs.pick')) continue;
    const at = position(node);
    const cap = caps[0]!;
    let message: string | undefined;
    if (cap === 'net') message = declared(manifest, 'net') ? checkNet(manifest, args[0]) : undefined;
    else if (cap === 'fs.read' || cap === 'fs.write') message = checkFs(manifest, cap, name, args[0]);
    else if (cap === 'secrets') {
      const secret = args[0] && staticPrefix(unwrap(args[0]));
      if (!declared(manifest, 'secrets')) message = `host.secrets.get is called but the manifest declares no secrets`;
      else if (secret?.complete && !manifest.permissions.secrets!.includes(secret.text))
        message = `host.secrets.get("${secret.text}") names a secret the manifest does not declare`;
    }
    if (!message && cap !== 'fs.read' && cap !== 'fs.write' && !declared(manifest, cap))
      message = `host.${name} is called but the manifest does not declare "${cap}"`;
    if (message) hits.push({ kind: 'undeclared', capability: cap, message, at });
  }
  for (const cap of CAPABILITIES) {
    if (declared(manifest, cap) && !used.has(cap))
      hits.push({
        kind: 'unused',
        capability: cap,
        message: `declares "${cap}" but the code never calls a host API that uses it`,
      });
  }
  return hits;
}
