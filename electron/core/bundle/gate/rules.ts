/**
 * The static gate's rules: what `warden validate` (loader rules, deprecations) and
 * `warden validate --strict` (everything) report. Each has a stable id (SARIF `ruleId`) and a
 * default level; `error` findings fail the gate (exit 2), `warning` and `note` do not.
 * The heuristics are documented in docs/static-gate.md.
 */
export type GateLevel = 'error' | 'warning' | 'note';

export interface GateRule {
  id: string;
  /** PascalCase name (SARIF `name`). */
  name: string;
  level: GateLevel;
  /** Runs without --strict too. */
  always: boolean;
  description: string;
}

export const GATE_RULES = [
  {
    id: 'WG001',
    name: 'InvalidManifest',
    level: 'error',
    always: true,
    description: 'manifest.json is missing, not valid, or its "main" cannot be loaded.',
  },
  {
    id: 'WG002',
    name: 'SyntaxError',
    level: 'error',
    always: true,
    description: 'The bundle does not parse as the strict-mode script the sandbox evaluates.',
  },
  {
    id: 'WG003',
    name: 'LoaderRefusal',
    level: 'error',
    always: true,
    description:
      'The sandbox refuses the bundle: a dynamic import(), a direct eval(...), or "<!--"/"-->" where it cannot be rewritten.',
  },
  {
    id: 'WG010',
    name: 'DeprecatedHostCall',
    level: 'warning',
    always: true,
    description: 'A host API call that is deprecated (it still works) or removed (it fails with ENOSYS).',
  },
  {
    id: 'WG100',
    name: 'RemoteCodeExecution',
    level: 'error',
    always: false,
    description:
      'Data from host.net, host.storage or host.fs reaches eval, Function or another evaluator: code that no review or signature covered would run.',
  },
  {
    id: 'WG101',
    name: 'FetchedWasm',
    level: 'error',
    always: false,
    description: 'WebAssembly compiled from bytes fetched or stored at run time.',
  },
  {
    id: 'WG102',
    name: 'NativeAddon',
    level: 'error',
    always: false,
    description: 'The package carries a native addon (.node file), which the sandbox can never load.',
  },
  {
    id: 'WG110',
    name: 'Obfuscation',
    level: 'error',
    always: false,
    description:
      'Markers of obfuscated code (javascript-obfuscator _0x names, escaped string arrays, packer wrappers, packed lines).',
  },
  {
    id: 'WG120',
    name: 'UnusedPermission',
    level: 'warning',
    always: false,
    description: 'A declared permission the code never uses (ask only for what you use).',
  },
  {
    id: 'WG121',
    name: 'UndeclaredUse',
    level: 'error',
    always: false,
    description:
      'A host call the manifest does not allow, where the target is visible in the code (it would be denied at run time).',
  },
] as const satisfies readonly GateRule[];

export type GateRuleId = (typeof GATE_RULES)[number]['id'];

export interface GateFinding {
  ruleId: GateRuleId;
  level: GateLevel;
  message: string;
  /** Relative to the extension folder, forward slashes. */
  file: string;
  line: number;
  column: number;
}

export function ruleById(id: GateRuleId): GateRule {
  return GATE_RULES.find((r) => r.id === id)!;
}

export function finding(
  ruleId: GateRuleId,
  message: string,
  file: string,
  at: { line: number; column: number },
  level: GateLevel = ruleById(ruleId).level,
): GateFinding {
  return { ruleId, level, message, file, line: at.line, column: at.column };
}
