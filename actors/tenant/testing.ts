import test from 'ava';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';

/**
 * One node (gateway + tenant actor) for a test file, started before its tests with a ready
 * tenant and stopped after them. Read the fields inside tests, once `before` has run.
 */
export function tenantNode(users: { members?: number; facilitators?: number }, env?: Record<string, string>): { app: TestNode; acme: TestTenant } {
  const fixture = {} as { app: TestNode; acme: TestTenant };
  test.before(async () => {
    fixture.app = await startTestNode({ services: ['gateway', 'tenant'], env });
    fixture.acme = await createTenant(fixture.app, users);
  });
  test.after.always(async () => {
    await fixture.app?.stop();
  });
  return fixture;
}
