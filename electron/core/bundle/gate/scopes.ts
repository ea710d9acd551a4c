/**
 * Scope resolution, lite: which declaration an identifier refers to. Function bodies (and the
 * program) are scopes; `var`, `let`, `const`, parameters, catch parameters, function and class
 * names are declared in the nearest function scope (block scopes are merged into it, which only
 * matters when one function reuses a name in two blocks). Minified bundles reuse one-letter names
 * in every function, so resolving by scope, not by name, is what keeps the gate's data flow from
 * connecting unrelated code.
 */
import { walk, type AnyNode } from './ast';

interface Scope {
  id: number;
  parent: Scope | undefined;
  names: Set<string>;
}

export interface ScopeMap {
  /** A stable key for the binding an identifier (a reference or a declaration) refers to. */
  keyOf(ident: AnyNode): string;
  /** The identifiers a binding pattern declares (`{ a, b: [c] }` → a, c). */
  patternNames(pattern: AnyNode): AnyNode[];
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function patternNames(pattern: AnyNode | null | undefined, out: AnyNode[] = []): AnyNode[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern);
      break;
    case 'ObjectPattern':
      for (const p of pattern.properties as AnyNode[])
        patternNames(p.type === 'RestElement' ? (p.argument as AnyNode) : (p.value as AnyNode), out);
      break;
    case 'ArrayPattern':
      for (const el of pattern.elements as Array<AnyNode | null>) patternNames(el, out);
      break;
    case 'RestElement':
      patternNames(pattern.argument as AnyNode, out);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left as AnyNode, out);
      break;
  }
  return out;
}

export function buildScopes(program: AnyNode): ScopeMap {
  let next = 0;
  const root: Scope = { id: next++, parent: undefined, names: new Set() };
  // The scope each node sits in: set for a node's children before they are visited.
  const scopeOf = new Map<AnyNode, Scope>([[program, root]]);
  for (const node of walk(program)) {
    const outer = scopeOf.get(node) ?? root;
    let inner = outer;
    if (FUNCTION_TYPES.has(node.type)) {
      inner = { id: next++, parent: outer, names: new Set() };
      const id = node.id as AnyNode | null;
      if (id) (node.type === 'FunctionDeclaration' ? outer : inner).names.add(id.name as string);
      for (const p of node.params as AnyNode[]) for (const n of patternNames(p)) inner.names.add(n.name as string);
    } else if (node.type === 'VariableDeclarator') {
      for (const n of patternNames(node.id as AnyNode)) outer.names.add(n.name as string);
    } else if (node.type === 'CatchClause') {
      for (const n of patternNames(node.param as AnyNode | null)) outer.names.add(n.name as string);
    } else if (node.type === 'ClassDeclaration' && node.id) {
      outer.names.add((node.id as AnyNode).name as string);
    }
    for (const key in node) {
      if (key === 'loc') continue;
      const value = node[key];
      const children = Array.isArray(value) ? value : [value];
      for (const c of children as Array<AnyNode | null>) {
        if (c && typeof c === 'object' && typeof c.type === 'string') scopeOf.set(c, inner);
      }
    }
  }
  return {
    keyOf(ident) {
      const name = ident.name as string;
      for (let s: Scope | undefined = scopeOf.get(ident); s; s = s.parent) {
        if (s.names.has(name)) return `${s.id}:${name}`;
      }
      return `global:${name}`;
    },
    patternNames: (p) => patternNames(p),
  };
}
