/**
 * secretKindForName: which variable and field names hold secrets, table-driven, including the
 * settings ABOUT secrets (TTLs, names, intervals) that must be kept for debugging.
 */
import { describe, expect, it } from 'vitest';
import { secretKindForName } from '../../src/redact/index.js';

describe('secretKindForName', () => {
  const cases: Array<[string, string | undefined]> = [
    ['DB_PASSWORD', 'password'],
    ['dbPassword', 'password'],
    ['PGPASSWORD', 'password'],
    ['MYSQLPASSWD', 'password'],
    ['MYSQL_ROOT_PWD', 'password'],
    ['GITHUB_TOKEN', 'generic-secret'],
    ['clientSecret', 'generic-secret'],
    ['AWS_SECRET_ACCESS_KEY', 'generic-secret'],
    ['STRIPE_API_KEY', 'generic-secret'],
    ['upstreamApiKey', 'generic-secret'],
    ['GOOGLE_APPLICATION_CREDENTIALS', 'generic-secret'],
    ['PROXY_AUTH', 'generic-secret'],
    ['PRIVATE_KEY', 'generic-secret'],
    ['SECRET_TTL', undefined],
    ['secretName', undefined],
    ['credentialName', undefined],
    ['TOKEN_AUDIENCE', undefined],
    ['CREDENTIAL_FETCHER_TYPE', undefined],
    ['mesh-auth-gc-interval', undefined],
    ['mesh-auth-enabled', undefined],
    ['AUTHZ_POLICY_INFO_LOGGING', undefined],
    ['PILOT_JWT_ENABLE_REMOTE_JWKS', undefined],
    ['CA_ADDRESS', undefined],
    ['XDS_ADDRESS', undefined],
    ['SERVICE_ACCOUNT', undefined],
    ['TOKEN_URL', undefined],
    ['AWS_ACCESS_KEY_ID', undefined],
    ['POD_NAME', undefined],
  ];
  for (const [name, kind] of cases) {
    it(`${name} -> ${kind ?? 'not secret'}`, () => expect(secretKindForName(name)).toBe(kind));
  }

  it('answers the same when asked again, also after its memo of answers filled up and was cleared', () => {
    const table = [...cases, ['__proto__', undefined], ['constructor', undefined], ['hasOwnProperty', undefined]] as Array<[string, string | undefined]>;
    for (let round = 0; round < 3; round++) {
      for (const [name, kind] of table) expect(secretKindForName(name), name).toBe(kind);
      // Enough distinct names to fill the memo (10,000) and clear it, half of them secrets.
      for (let i = 0; i < 6_000; i++) expect(secretKindForName(`APP_${i}_${i % 2 ? 'TOKEN' : 'MODE'}`)).toBe(i % 2 ? 'generic-secret' : undefined);
    }
  });
});
