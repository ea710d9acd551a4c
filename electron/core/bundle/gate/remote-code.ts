/**
 * Data flow, lite: does text the extension fetched (`host.net.fetch` → `.text()`/`.json()`/`.body`)
 * or stored (`host.storage.get`, `host.fs.readText`/`readBytes`) reach something that runs it as
 * code (`eval`, `Function`, `Compartment#evaluate`, a string timer) or compiles it
 * (`WebAssembly.*`)?
 *
 * Taint is tracked per binding (scopes.ts), to a fixed point, through: declarations and
 * assignments (destructuring included), `await`, member reads and method calls on tainted values
 * (`r.text()`, `d.code.trim()`), templates, `+`, `?:`, `||`/`??`, calls with a tainted argument
 * (`JSON.parse(t)`, `atob(t)`, `new TextDecoder().decode(b)`), `.then(cb)` callbacks, arguments
 * into locally declared functions and values those functions return. Not followed: object
 * properties as separate cells (an object holding tainted data is tainted whole), getters,
 * `arguments`, values passed through host callbacks or globals written by other modules.
 */
import { propertyName, position, unwrap, walk, type AnyNode } from './ast';
import type { ScopeMap } from './scopes';
import type { HostCallSites } from './host-calls';

const SOURCES = new Map([
  ['net.fetch', 'host.net.fetch'],
  ['storage.get', 'host.storage.get'],
  ['fs.readText', 'host.fs.readText'],
  ['fs.readBytes', 'host.fs.readBytes'],
  ['fs.read', 'host.fs.read'],
]);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);
const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const WASM_FUNCTIONS = new Set(['instantiate', 'compile', 'instantiateStreaming', 'compileStreaming']);

export interface DataFlowHit {
  kind: 'code' | 'wasm';
  /** What runs it (`eval`, `new Function`, `WebAssembly.instantiate`, …). */
  sink: string;
  /** Where the data came from (`host.net.fetch`, …). */
  origin: string;
  line: number;
  column: number;
}

export function findRemoteCode(program: AnyNode, scopes: ScopeMap, host: HostCallSites): DataFlowHit[] {
  const taint = new Map<string, string>(); // binding key → origin
  const returns = new Map<string, string>(); // function binding key → origin of what it returns
  const evaluators = new Map<string, string>(); // binding key → evaluator it aliases
  const functions = new Map<string, AnyNode[]>(); // binding key → function nodes (for parameters)

  const isGlobal = (ident: AnyNode) => scopes.keyOf(ident).startsWith('global:');

  /** `eval`, `Function`, `globalThis.eval`, `window.Function`, or an alias of one. */
  const evaluatorOf = (node: AnyNode): string | undefined => {
    const n = unwrap(node);
    if (n.type === 'Identifier') {
      if ((n.name === 'eval' || n.name === 'Function') && isGlobal(n)) return n.name as string;
      return evaluators.get(scopes.keyOf(n));
    }
    if (n.type === 'MemberExpression') {
      const obj = unwrap(n.object as AnyNode);
      const name = propertyName(n);
      if (
        obj.type === 'Identifier' &&
        GLOBAL_OBJECTS.has(obj.name as string) &&
        (name === 'eval' || name === 'Function')
      )
        return name;
    }
    return undefined;
  };

  const taintOf = (node: AnyNode | null | undefined): string | undefined => {
    if (!node) return undefined;
    const n = unwrap(node);
    switch (n.type) {
      case 'Identifier':
        return taint.get(scopes.keyOf(n));
      case 'AwaitExpression':
      case 'UnaryExpression':
      case 'SpreadElement':
        return taintOf(n.argument as AnyNode);
      case 'CallExpression':
      case 'NewExpression': {
        const name = n.type === 'CallExpression' ? host.callName(n) : undefined;
        if (name && SOURCES.has(name)) return SOURCES.get(name);
        const callee = unwrap(n.callee as AnyNode);
        if (callee.type === 'MemberExpression') {
          const t = taintOf(callee.object as AnyNode);
          if (t) return t;
        }
        if (callee.type === 'Identifier') {
          const r = returns.get(scopes.keyOf(callee));
          if (r) return r;
        }
        for (const a of n.arguments as AnyNode[]) {
          const t = taintOf(a);
          if (t) return t;
        }
        return undefined;
      }
      case 'MemberExpression':
        return taintOf(n.object as AnyNode);
      case 'TemplateLiteral':
        for (const e of n.expressions as AnyNode[]) {
          const t = taintOf(e);
          if (t) return t;
        }
        return undefined;
      case 'BinaryExpression':
      case 'LogicalExpression':
        return taintOf(n.left as AnyNode) ?? taintOf(n.right as AnyNode);
      case 'ConditionalExpression':
        return taintOf(n.consequent as AnyNode) ?? taintOf(n.alternate as AnyNode);
      case 'AssignmentExpression':
        return taintOf(n.right as AnyNode);
      case 'ArrayExpression':
        for (const e of n.elements as Array<AnyNode | null>) {
          const t = taintOf(e);
          if (t) return t;
        }
        return undefined;
      default:
        return undefined;
    }
  };

  const mark = (ident: AnyNode, origin: string): boolean => {
    const key = scopes.keyOf(ident);
    if (taint.has(key)) return false;
    taint.set(key, origin);
    return true;
  };
  const markPattern = (pattern: AnyNode, origin: string): boolean => {
    let changed = false;
    for (const id of scopes.patternNames(pattern)) changed = mark(id, origin) || changed;
    return changed;
  };
  /** The identifier an assignment target writes into (`a`, `a.b.c` → a). */
  const baseIdent = (target: AnyNode): AnyNode | undefined => {
    let n = unwrap(target);
    while (n.type === 'MemberExpression') n = unwrap(n.object as AnyNode);
    return n.type === 'Identifier' ? n : undefined;
  };

  // Named functions, for arguments and return values.
  for (const node of walk(program)) {
    if (node.type === 'FunctionDeclaration' && node.id) {
      const key = scopes.keyOf(node.id as AnyNode);
      functions.set(key, [...(functions.get(key) ?? []), node]);
    } else if (node.type === 'VariableDeclarator' && (node.id as AnyNode).type === 'Identifier' && node.init) {
      const init = unwrap(node.init as AnyNode);
      if (FUNCTION_TYPES.has(init.type)) {
        const key = scopes.keyOf(node.id as AnyNode);
        functions.set(key, [...(functions.get(key) ?? []), init]);
      }
    }
  }
  const functionKeyOf = new Map<AnyNode, string>();
  for (const [key, fns] of functions) for (const f of fns) functionKeyOf.set(f, key);
  // The function each `return` belongs to.
  const ownerOf = new Map<AnyNode, AnyNode>();
  for (const node of walk(program)) {
    const owner = FUNCTION_TYPES.has(node.type) ? node : ownerOf.get(node);
    if (!owner) continue;
    for (const key in node) {
      if (key === 'loc') continue;
      const value = node[key];
      for (const c of (Array.isArray(value) ? value : [value]) as Array<AnyNode | null>) {
        if (c && typeof c === 'object' && typeof c.type === 'string') ownerOf.set(c, owner);
      }
    }
  }

  // To a fixed point: each pass can only add taint, and there are finitely many bindings.
  for (let pass = 0, changed = true; changed && pass < 50; pass++) {
    changed = false;
    for (const node of walk(program)) {
      switch (node.type) {
        case 'VariableDeclarator': {
          const init = node.init as AnyNode | null;
          if (init) {
            if (evaluatorOf(init) && (node.id as AnyNode).type === 'Identifier') {
              const key = scopes.keyOf(node.id as AnyNode);
              if (!evaluators.has(key)) {
                evaluators.set(key, evaluatorOf(init)!);
                changed = true;
              }
            }
            const t = taintOf(init);
            if (t) changed = markPattern(node.id as AnyNode, t) || changed;
          }
          break;
        }
        case 'AssignmentExpression': {
          const t = taintOf(node.right as AnyNode);
          const left = node.left as AnyNode;
          if (left.type === 'Identifier' && evaluatorOf(node.right as AnyNode)) {
            const key = scopes.keyOf(left);
            if (!evaluators.has(key)) {
              evaluators.set(key, evaluatorOf(node.right as AnyNode)!);
              changed = true;
            }
          }
          if (!t) break;
          if (left.type === 'ObjectPattern' || left.type === 'ArrayPattern') changed = markPattern(left, t) || changed;
          else {
            const base = baseIdent(left);
            if (base) changed = mark(base, t) || changed;
          }
          break;
        }
        case 'CallExpression': {
          const callee = unwrap(node.callee as AnyNode);
          const args = node.arguments as AnyNode[];
          // `tainted.then((value) => …)`: the callback receives the tainted value.
          if (callee.type === 'MemberExpression' && propertyName(callee) === 'then') {
            const t = taintOf(callee.object as AnyNode);
            const cb = args[0] && unwrap(args[0]);
            if (t && cb && FUNCTION_TYPES.has(cb.type) && (cb.params as AnyNode[])[0])
              changed = markPattern((cb.params as AnyNode[])[0]!, t) || changed;
          }
          // `f(tainted)` for a local function `f`: its parameter is tainted.
          if (callee.type === 'Identifier') {
            for (const f of functions.get(scopes.keyOf(callee)) ?? []) {
              (f.params as AnyNode[]).forEach((p, i) => {
                const t = args[i] && taintOf(args[i]);
                if (t) changed = markPattern(p, t) || changed;
              });
            }
          }
          break;
        }
        case 'ReturnStatement':
        case 'ArrowFunctionExpression': {
          const value = (
            node.type === 'ReturnStatement' ? node.argument : node.expression ? node.body : null
          ) as AnyNode | null;
          const owner = node.type === 'ArrowFunctionExpression' ? node : ownerOf.get(node);
          const key = owner && functionKeyOf.get(owner);
          const t = value ? taintOf(value) : undefined;
          if (key && t && !returns.has(key)) {
            returns.set(key, t);
            changed = true;
          }
          break;
        }
      }
    }
  }

  const hits: DataFlowHit[] = [];
  for (const node of walk(program)) {
    if (node.type !== 'CallExpression' && node.type !== 'NewExpression') continue;
    const args = node.arguments as AnyNode[];
    const origin = args.map((a) => taintOf(a)).find((t) => t !== undefined);
    if (!origin) continue;
    const callee = unwrap(node.callee as AnyNode);
    const at = position(node);
    const evaluator = evaluatorOf(callee);
    if (evaluator) {
      const sink = evaluator === 'Function' ? (node.type === 'NewExpression' ? 'new Function' : 'Function') : 'eval';
      hits.push({ kind: 'code', sink, origin, ...at });
      continue;
    }
    if (callee.type === 'MemberExpression') {
      const name = propertyName(callee);
      const obj = unwrap(callee.object as AnyNode);
      if (
        obj.type === 'Identifier' &&
        obj.name === 'WebAssembly' &&
        name &&
        (WASM_FUNCTIONS.has(name) || name === 'Module')
      )
        hits.push({ kind: 'wasm', sink: `WebAssembly.${name}`, origin, ...at });
      else if (name === 'evaluate') hits.push({ kind: 'code', sink: '.evaluate (Compartment)', origin, ...at });
    }
    if (
      callee.type === 'Identifier' &&
      (callee.name === 'setTimeout' || callee.name === 'setInterval') &&
      isGlobal(callee) &&
      args[0] &&
      taintOf(args[0]) &&
      !FUNCTION_TYPES.has(unwrap(args[0]).type)
    )
      hits.push({ kind: 'code', sink: `${callee.name as string}(string)`, origin, ...at });
  }
  return hits;
}
