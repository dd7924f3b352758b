import { hasRole, type CallerContext } from '@atrium/auth';

/**
 * What each role may do inside its tenant. These checks are AND-ed with the tenant rule (the
 * partition key is always the caller's tenant), never a way around it.
 */
export const canRead = (caller: CallerContext): boolean =>
  hasRole(caller, 'viewer', 'member', 'approver', 'admin');
export const canWrite = (caller: CallerContext): boolean => hasRole(caller, 'member');
export const canConfirm = (caller: CallerContext): boolean => hasRole(caller, 'approver');
