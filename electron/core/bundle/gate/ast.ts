/** Parsing and walking a bundle for the static gate (acorn, as the loader's own checks). */
import type { Node } from 'acorn';
import { parse } from '../acorn-parse';

export type AnyNode = Node & Record<string, unknown>;

export function parseBundle(source: string): AnyNode | undefined {
  try {
    return parse(source, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowHashBang: false,
      locations: true,
    }) as unknown as AnyNode;
  } catch {
    return undefined; // the loader check reports the syntax error
  }
}

/** Every node, parents before children, iteratively (bundles nest deeper than the call stack). */
export function* walk(root: AnyNode): Generator<AnyNode> {
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    for (const key in node) {
      if (key === 'loc' || key === 'regex') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const v = value[i] as AnyNode | null;
          if (v && typeof v.type === 'string') stack.push(v);
        }
      } else if (value && typeof value === 'object' && typeof (value as AnyNode).type === 'string') {
        stack.push(value as AnyNode);
      }
    }
  }
}

/** 1-based line and column of a node. */
export function position(node: AnyNode): { line: number; column: number } {
  const loc = node.loc as { start: { line: number; column: number } } | undefined;
  return { line: loc?.start.line ?? 1, column: (loc?.start.column ?? 0) + 1 };
}

/** The property name of a non-computed (or string-literal computed) member access. */
export function propertyName(member: AnyNode): string | undefined {
  const prop = member.property as AnyNode;
  if (!member.computed && prop.type === 'Identifier') return prop.name as string;
  if (prop.type === 'Literal' && typeof prop.value === 'string') return prop.value;
  return undefined;
}

/** Unwraps `(0, x)`, `await x`, `x!`-free parentheses and chains: what an expression stands for. */
export function unwrap(node: AnyNode): AnyNode {
  let n = node;
  for (;;) {
    if (n.type === 'ChainExpression') n = n.expression as AnyNode;
    else if (n.type === 'ParenthesizedExpression') n = n.expression as AnyNode;
    else if (n.type === 'SequenceExpression') n = (n.expressions as AnyNode[]).at(-1)!;
    else return n;
  }
}

/**
 * The static text of a string literal or a template literal: `{ text, complete }`, where a
 * template with substitutions gives only its text up to the first one (`complete: false`).
 */
export function staticPrefix(node: AnyNode): { text: string; complete: boolean } | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return { text: node.value, complete: true };
  if (node.type === 'TemplateLiteral') {
    const quasis = node.quasis as AnyNode[];
    const first = (quasis[0]!.value as { cooked: string | null }).cooked ?? '';
    return { text: first, complete: quasis.length === 1 };
  }
  return undefined;
}
