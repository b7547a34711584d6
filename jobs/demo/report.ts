import { LANGUAGE_COUNT, TENANT_NAME } from './dataset';
import type { DemoResult } from './DemoSeed';

/** What the demo prints: the credentials (the same on every run), then what to try with them. */
export function report(url: string, r: DemoResult): string {
  const c = r.changed;
  const did =
    c.accounts + c.confirmations + c.pocs + c.dojos === 0
      ? 'everything was already there: nothing changed'
      : `created ${c.accounts} account(s), ${c.pocs} POC(s), ${c.dojos} dojo(s); confirmed ${c.confirmations} pending account(s)`;
  const login = JSON.stringify({ tenant: r.slug, username: r.admin, password: r.password });
  const dojoRef = JSON.stringify({ tenant_id: r.tenantId, dojo_id: r.dojo.id });
  return `Demo tenant on ${url}: ${did}.

  tenant:    ${r.slug} (${TENANT_NAME})
  admin:     ${r.admin} (facilitates the demo dojo)
  members:   ${r.members.join(', ')}
  password:  ${r.password} (every account)
  POCs:      ${r.pocs} over ${LANGUAGE_COUNT} languages, public in the tenant
  dojo:      "${r.dojo.subject}", ${r.dojo.status} for ${r.dojo.date}, ${r.dojo.participants} participants, join code ${r.dojo.joinCode}
             id ${r.dojo.id}

Try next (README.md "First steps" walks through each call):
  TOKEN=$(curl -s -X POST ${url}/v1/login -H 'content-type: application/json' \\
    -d '${login}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).token')
  curl -s '${url}/v1/pocs?q=realtme%20chat&language=Go' -H "authorization: Bearer $TOKEN"
  curl -s '${url}/v1/dojos/${r.dojo.id}' -H "authorization: Bearer $TOKEN"
  curl -s -X POST ${url}/v1/dojo/start -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '${dojoRef}'
  then join the room and chat over the WebSocket as in "First steps", as ${r.admin} or any member.
`;
}
