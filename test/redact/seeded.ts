/**
 * Seeded secrets for the redaction and scan tests: one realistic sample line (or block) per kind,
 * in the formats they appear in within a bundle. Key material is generated at run time and token
 * values are assembled from parts, so no secret-looking literal sits in the repository.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface Seeded {
  /** What this sample is, for test names. */
  name: string;
  kind: string;
  /** Text holding the secret, as it would appear in a file. */
  text: string;
  /** The secret itself: it must not survive redaction. */
  secret: string;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const alnum = (n: number, seed: string) => (seed.repeat(Math.ceil(n / seed.length)) as string).slice(0, n);

export const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
export const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
export const pkcs8Key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The body of a PEM key: what must never be left behind. */
export function pemBody(pem: string): string {
  return pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
}

export const jwt = [
  b64url(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })),
  b64url(JSON.stringify({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:default:app', exp: 1900000000 })),
  b64url(randomBytes(64)),
].join('.');

export const githubToken = 'ghp' + '_' + alnum(36, 'a1B2c3D4e5');
export const githubPat = 'github' + '_pat_' + alnum(40, 'Q9w8E7r6_t');
export const gitlabToken = 'glpat' + '-' + alnum(20, 'Zx9Yw8Vu7');
export const slackToken = 'xoxb' + '-' + '1234567890-0987654321-' + alnum(24, 'AbCdEf12');
export const awsAccessKey = 'AKIA' + 'Q3EXAMPLE7TESTKEY'.slice(0, 16);
export const awsSecretKey = alnum(40, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY');
export const gcpKey = 'AIza' + alnum(35, 'Sy9-Xk_3Lm');
export const bearer = b64url(randomBytes(30));
export const basicCredential = Buffer.from('admin:' + 'S3cret!pass').toString('base64');
export const clientKeyData = Buffer.from(rsaKey).toString('base64');
export const saToken = jwt;

export const SEEDED: Seeded[] = [
  { name: 'bearer token in a log line', kind: 'bearer-token', text: `2026-11-25T09:30:00Z info http request Authorization: Bearer ${bearer}`, secret: bearer },
  { name: 'JWT in a log line', kind: 'jwt', text: `2026-11-25T09:30:01Z warn xds token rejected token=${jwt} reason=expired`, secret: jwt },
  { name: 'password in a log line', kind: 'password', text: '2026-11-25T09:30:02Z error db connect failed password=Tr0ub4dor&3x retrying', secret: 'Tr0ub4dor&3x' },
  { name: 'password in a connection URL', kind: 'basic-auth-url', text: 'dsn: postgres://app:Sup3rS3cret@db.prod.svc:5432/orders?sslmode=require', secret: 'Sup3rS3cret' },
  { name: 'AWS access key', kind: 'aws-access-key', text: `aws_access_key_id = ${awsAccessKey}`, secret: awsAccessKey },
  { name: 'AWS secret key', kind: 'aws-secret-key', text: `aws_secret_access_key = ${awsSecretKey}`, secret: awsSecretKey },
  { name: 'GCP API key', kind: 'gcp-api-key', text: `maps api: ${gcpKey}`, secret: gcpKey },
  { name: 'GitHub token', kind: 'github-token', text: `git clone https://${githubToken}@github.com/acme/app.git`, secret: githubToken },
  { name: 'GitHub fine-grained token', kind: 'github-token', text: `GH=${githubPat}`, secret: githubPat },
  { name: 'GitLab token', kind: 'gitlab-token', text: `PRIVATE-TOKEN header ${gitlabToken}`, secret: gitlabToken },
  { name: 'Slack token', kind: 'slack-token', text: `notify via ${slackToken}`, secret: slackToken },
  { name: 'Basic auth header', kind: 'basic-auth', text: `Proxy-Authorization: Basic ${basicCredential}`, secret: basicCredential },
  { name: 'kubeconfig token', kind: 'kubeconfig-credential', text: '    token: sha256~Xk3mP9qR7tLw2vB8nC4dF6gH1jK5', secret: 'sha256~Xk3mP9qR7tLw2vB8nC4dF6gH1jK5' },
  { name: 'kubeconfig client-key-data', kind: 'private-key', text: `    client-key-data: ${clientKeyData}`, secret: clientKeyData },
  { name: 'RSA private key in a config map', kind: 'private-key', text: `tls.key: |\n  ${rsaKey.trimEnd().split('\n').join('\n  ')}\nother: kept`, secret: pemBody(rsaKey) },
  { name: 'EC private key in a log', kind: 'private-key', text: `loading key\n${ecKey}done`, secret: pemBody(ecKey) },
  { name: 'PKCS#8 key inside a JSON string', kind: 'private-key', text: JSON.stringify({ type: 'service_account', private_key: pkcs8Key, client_email: 'x@p.iam.gserviceaccount.com' }), secret: pemBody(pkcs8Key).slice(0, 40) },
  { name: 'secret env in YAML', kind: 'secret-env', text: '        - name: DB_PASSWORD\n          value: "hunter2hunter2"', secret: 'hunter2hunter2' },
  { name: 'secret env in one-line JSON', kind: 'secret-env', text: '{"env":[{"name":"API_TOKEN","value":"c0ffee-c0ffee-beef"}]}', secret: 'c0ffee-c0ffee-beef' },
  { name: 'password line in embedded YAML', kind: 'password', text: 'database:\n  user: app\n  password: "p@ss w0rd!"', secret: 'p@ss w0rd!' },
  { name: 'client secret in INI', kind: 'generic-secret', text: '[oauth]\nclient_secret = 9f8e7d6c5b4a39281706', secret: '9f8e7d6c5b4a39281706' },
];
