import type { AuthContext } from '../auth';
import { ForbiddenError } from './errors';

export function requireAdmin(auth: AuthContext): void {
  if (auth.role !== 'admin') throw new ForbiddenError('Only an admin of the tenant may do this');
}
