/** `host.secrets.get`: a declared, granted secret name, read from the host's secret store. */
import { WardenError } from '../../common/errors';
import { secretTarget } from '../gateways/target';
import type { HostApiDeps, HostMethodImpls } from './context';
import type { Metering } from './metering';

export function createSecretMethods(deps: HostApiDeps, m: Metering): HostMethodImpls<'secrets.get'> {
  const extId = deps.manifest.id;
  return {
    'secrets.get': async ([name]) => {
      const t = secretTarget(name); // as permissions.query/request name it
      await m.require({ capability: 'secrets', target: t.canonical, display: t.display });
      return m.audited(
        'secrets.get',
        name,
        async () => {
          const value = await deps.secrets?.get(extId, name);
          if (value === undefined) {
            // A developer folder is named by its folder on the command line; the folder's path
            // is the host's, so the hint says where without printing it.
            const who = deps.devFolder ? '<extension folder>' : extId;
            throw new WardenError(
              'ENOENT',
              `secret ${name} has not been set (the user can set it in the panel or with: warden secrets set ${who} ${name})`,
            );
          }
          return value;
        },
        () => 0,
      );
    },
  };
}
