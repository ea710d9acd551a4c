/**
 * Recognises calls to the `host` API in a bundle, whatever the host object is named: a member
 * call `<x>.<namespace>.<fn>(…)`, or through an alias (`const { net } = host; net.fetch(…)`,
 * `const { fetch } = host.net; fetch(…)`, `const get = host.storage.get`).
 */
import { propertyName, unwrap, walk, type AnyNode } from './ast';
import type { ScopeMap } from './scopes';

export const HOST_NAMESPACES = new Set(['fs', 'net', 'storage', 'secrets', 'ui', 'permissions', 'commands', 'log']);

export interface HostCallSites {
  /** `ns.fn` of a call expression, when it calls a host API function. */
  callName(call: AnyNode): string | undefined;
  /** Every host call in the bundle, with its `ns.fn`. */
  calls: Array<{ node: AnyNode; name: string }>;
  /** Namespaces reached in a way the gate cannot follow (`host[x]`, `host.net[m]`). */
  dynamic: Set<string>;
}

export function findHostCalls(program: AnyNode, scopes: ScopeMap): HostCallSites {
  // Binding key → 'net' (a namespace alias) or 'net.fetch' (a function alias).
  const aliases = new Map<string, string>();
  const dynamic = new Set<string>();

  const nsOf = (node: AnyNode): string | undefined => {
    const n = unwrap(node);
    if (n.type === 'MemberExpression') {
      const name = propertyName(n);
      return name !== undefined && HOST_NAMESPACES.has(name) ? name : undefined;
    }
    if (n.type === 'Identifier') {
      const alias = aliases.get(scopes.keyOf(n));
      return alias && !alias.includes('.') ? alias : undefined;
    }
    return undefined;
  };
  const fnOf = (node: AnyNode): string | undefined => {
    const n = unwrap(node);
    if (n.type === 'MemberExpression') {
      const ns = nsOf(n.object as AnyNode);
      if (!ns) return undefined;
      const name = propertyName(n);
      if (name === undefined) dynamic.add(ns);
      return name === undefined ? undefined : `${ns}.${name}`;
    }
    if (n.type === 'Identifier') {
      const alias = aliases.get(scopes.keyOf(n));
      return alias?.includes('.') ? alias : undefined;
    }
    return undefined;
  };

  // Aliases first (declarations may come after use in hoisted functions: two passes suffice for
  // the alias-of-alias chains bundles write).
  for (let pass = 0; pass < 2; pass++) {
    for (const node of walk(program)) {
      if (node.type !== 'VariableDeclarator' && !(node.type === 'AssignmentExpression' && node.operator === '='))
        continue;
      const target = (node.type === 'VariableDeclarator' ? node.id : node.left) as AnyNode;
      const value = (node.type === 'VariableDeclarator' ? node.init : node.right) as AnyNode | null;
      if (!value) continue;
      if (target.type === 'Identifier') {
        const alias = fnOf(value) ?? nsOf(value);
        if (alias) aliases.set(scopes.keyOf(target), alias);
      } else if (target.type === 'ObjectPattern') {
        const ns = nsOf(value);
        for (const p of target.properties as AnyNode[]) {
          if (p.type !== 'Property' || (p.value as AnyNode).type !== 'Identifier') continue;
          const key = p.computed ? undefined : ((p.key as AnyNode).name ?? (p.key as AnyNode).value);
          if (typeof key !== 'string') continue;
          const local = scopes.keyOf(p.value as AnyNode);
          if (ns) aliases.set(local, `${ns}.${key}`);
          else if (HOST_NAMESPACES.has(key)) aliases.set(local, key);
        }
      }
    }
  }

  const calls: Array<{ node: AnyNode; name: string }> = [];
  for (const node of walk(program)) {
    if (node.type !== 'CallExpression') continue;
    const name = fnOf(node.callee as AnyNode);
    if (name) calls.push({ node, name });
  }
  // Computed access on a host namespace (`host.net[m]`) counts as dynamic use of it.
  for (const node of walk(program)) {
    if (node.type === 'MemberExpression' && node.computed && propertyName(node) === undefined) {
      const ns = nsOf(node.object as AnyNode);
      if (ns) dynamic.add(ns);
    }
  }
  const byNode = new Map(calls.map((c) => [c.node, c.name]));
  return { callName: (call) => byNode.get(call), calls, dynamic };
}
