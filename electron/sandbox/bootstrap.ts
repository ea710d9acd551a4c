/**
 * Entry of every extension process. `lockdown()` must run before any other module is evaluated:
 * code that runs earlier could capture or poison intrinsics before they are frozen. The runtime
 * is therefore loaded with `require` *after* lockdown (esbuild keeps it lazy in the bundle).
 *
 * Every option is passed explicitly: SES reads omitted ones from `LOCKDOWN_*` environment
 * variables, and the host also starts this process with a minimal environment.
 */
import 'ses';

lockdown({
  errorTaming: 'safe', // guests see no stacks ('unsafe' leaks host paths through err.stack)
  stackFiltering: 'concise',
  consoleTaming: 'safe',
  regExpTaming: 'safe', // removes RegExp.prototype.compile and the legacy RegExp.$1 statics
  localeTaming: 'safe', // toLocaleString → toString: no locale fingerprinting
  evalTaming: 'safe-eval', // eval/Function confined to the compartment: code generators work
  // 'severe' turns every intrinsic prototype property into an override-friendly accessor: the
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

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after lockdown()
(require('./runtime') as typeof import('./runtime')).startSandbox();
