/**
 * Entry of every extension process. Lockdown must run before any other module is evaluated:
 * code that runs earlier could capture or poison intrinsics before they are frozen. The runtime
 * is therefore loaded with `require` *after* lockdown (esbuild keeps it lazy in the bundle).
 *
 * Lockdown is done in its two documented halves, `repairIntrinsics()` then `hardenIntrinsics()`
 * (exactly what `lockdown()` does), so that one compatibility repair can sit between them.
 *
 * Every option is passed explicitly: SES reads omitted ones from `LOCKDOWN_*` environment
 * variables, and the host also starts this process with a minimal environment.
 */
import 'ses';

repairIntrinsics({
  errorTaming: 'safe', // guests see no stacks ('unsafe' leaks host paths through err.stack)
  stackFiltering: 'concise',
  consoleTaming: 'safe',
  regExpTaming: 'safe', // removes RegExp.prototype.compile and the legacy RegExp.$1 statics
  localeTaming: 'safe', // toLocaleString → toString: no locale fingerprinting
  evalTaming: 'safe-eval', // eval/Function confined to the compartment: code generators work
  // 'severe' turns most intrinsic prototype properties into override-friendly accessors: the
  // "override mistake" (`Foo.prototype.toString = …` on frozen prototypes) breaks common npm code.
  overrideTaming: 'severe',
  overrideDebug: [],
  domainTaming: 'safe', // Node domains would otherwise be a channel between callbacks
  // The runtime installs its own handlers that forward to the host log and decide the exit.
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
  reporting: 'none',
  // Old regenerator-runtime assigns Iterator.prototype[@@iterator]; ignoring that is harmless.
  legacyRegeneratorRuntimeTaming: 'unsafe-ignore',
  __hardenTaming__: 'safe',
});

/**
 * `constructor` on the error prototypes other than Error's is not in SES's override list, so code
 * such as mathjs's `DimensionError.prototype = new RangeError(); ….prototype.constructor = …`
 * fails on the frozen RangeError.prototype. The same accessor SES installs for its own list: reads
 * give the original, and an assignment through an *inheriting* object defines an own property on
 * that object; assigning on the prototype itself still throws. Nothing shared becomes writable.
 */
function allowConstructorOverride(proto: object): void {
  const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
  if (!desc || !('value' in desc) || !desc.configurable) return;
  const value: unknown = desc.value;
  Object.defineProperty(proto, 'constructor', {
    get() {
      return value;
    },
    set(this: object, next: unknown) {
      if (this === proto)
        throw new TypeError("Cannot assign to read only property 'constructor' of a shared prototype");
      Object.defineProperty(this, 'constructor', { value: next, writable: true, enumerable: true, configurable: true });
    },
    enumerable: desc.enumerable ?? false,
    configurable: false,
  });
}
for (const E of [RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
  allowConstructorOverride(E.prototype);
}

hardenIntrinsics();

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after lockdown
(require('./runtime') as typeof import('./runtime')).startSandbox();
