/**
 * SES lockdown of this realm, shared by both ways a sandbox starts: the bootstrap (lockdown at
 * every start) and the start-up snapshot (lockdown once, inside the blob: snapshot-entry.ts).
 *
 * Lockdown is done in its two documented halves, `repairIntrinsics()` then `hardenIntrinsics()`
 * (exactly what `lockdown()` does), so that one compatibility repair can sit between them.
 *
 * Every option is passed explicitly: SES reads omitted ones from `LOCKDOWN_*` environment
 * variables, and the host also starts this process with a minimal environment.
 */
import 'ses';
import { restoreChangeArrayByCopy } from './array-by-copy';

export function lockdownRealm(): void {
  // A V8 started with change-array-by-copy switched off (the snapshot, snapshot-builder.ts) gets
  // the spec's methods back before the intrinsics are frozen; elsewhere this adds nothing.
  restoreChangeArrayByCopy();
  repairIntrinsics({
    errorTaming: 'safe', // guests see no stacks ('unsafe' leaks host paths through err.stack)
    stackFiltering: 'concise',
    // 'safe' also in the start-up snapshot, where it wraps the console of the build run (which
    // then prints nothing): the sandbox never writes through the global console, and guests get
    // their own (guest-console.ts) that forwards over the channel.
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
  for (const E of [RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
    allowConstructorOverride(E.prototype);
  }
  hardenIntrinsics();
}

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
