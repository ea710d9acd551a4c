/**
 * Entry of every extension process. Lockdown must run before any other module is evaluated:
 * code that runs earlier could capture or poison intrinsics before they are frozen. The runtime
 * is therefore loaded with `require` *after* lockdown (esbuild keeps it lazy in the bundle).
 */
import { lockdownRealm } from './lockdown-realm';

lockdownRealm();

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after lockdown
(require('./runtime') as typeof import('./runtime')).startSandbox();
