/** `permissions.*`: the grants of an extension, revoking one, and the administrator's policy. */
import { WardenError } from '../../../common/errors';
import type { HandlerDeps, Handlers } from './types';

export function permissionHandlers(
  d: HandlerDeps,
): Handlers<'permissions.grants' | 'permissions.revoke' | 'permissions.policy'> {
  const { grants } = d.services;
  return {
    'permissions.grants': async ({ extensionId }) =>
      grants.list(extensionId).map((g) => ({
        id: g.id,
        extensionId: g.extensionId,
        capability: g.capability,
        effect: g.effect,
        scope: g.scope.kind === 'tree' ? `${g.scope.value}/**` : g.scope.value,
        picked: g.picked === true,
        createdAt: g.createdAt,
      })),
    'permissions.revoke': async ({ grantId }) => {
      if ((await grants.revoke({ id: grantId })) === 0) throw new WardenError('ENOENT', 'no such grant');
      return {};
    },
    'permissions.policy': async () => {
      const rules = d.policy.forbid.length + d.policy.allow.length + d.policy.extensions.forbid.length;
      // No rules is no policy in force: empty text (the panel then says so instead of showing `{}`).
      return { text: rules === 0 ? '' : JSON.stringify(d.policy, null, 2), rules };
    },
  };
}
