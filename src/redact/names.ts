/**
 * Does a variable or field NAME say its value is a secret? Used for container env vars
 * (DB_PASSWORD, GITHUB_TOKEN) and for keys of objects and config maps. Names are split into words
 * (snake, kebab and camel case), so `SECRET_TTL`, `credentialName` or `TOKEN_AUDIENCE` — which name
 * settings ABOUT a secret, not the secret — are left alone by their last word.
 */
import type { SecretKind } from './kinds.js';

const SECRET_WORDS = new Set(['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PWD', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY']);
/** Words that name a secret only at the end (PROXY_AUTH), not inside a setting (mesh-auth-gc-interval). */
const SECRET_LAST_WORDS = new Set(['AUTH']);
/** Two words that together name a key: API_KEY, ACCESS_KEY, PRIVATE_KEY ... */
const KEY_QUALIFIERS = new Set(['API', 'ACCESS', 'PRIVATE', 'SECRET', 'CLIENT', 'SIGNING', 'ENCRYPTION', 'MASTER']);
/** A last word that makes the whole name a setting about a secret rather than the secret itself. */
const BENIGN_LAST_WORDS = new Set([
  'TTL', 'PATH', 'FILE', 'DIR', 'NAME', 'NAMES', 'ENABLED', 'ENABLE', 'TYPE', 'POLICY', 'AUDIENCE', 'PROVIDER',
  'MODE', 'SECONDS', 'TIMEOUT', 'DURATION', 'LIFETIME', 'EXPIRATION', 'EXPIRY', 'ID', 'LENGTH', 'SIZE',
  'LOGGING', 'REF', 'MOUNT', 'VERSION', 'COUNT', 'HEADER', 'FORMAT', 'SOURCE', 'KIND', 'INTERVAL', 'PERIOD',
  'DELAY', 'RETRIES', 'LIMIT', 'MAX', 'MIN', 'THRESHOLD', 'ADDRESS', 'ADDR', 'HOST', 'PORT', 'URL', 'URI', 'ENDPOINT',
  'ISSUER', 'SCOPE', 'SCOPES', 'NAMESPACE', 'SELECTOR', 'LABEL', 'ALGORITHM', 'METHOD', 'STRATEGY', 'QUEUE', 'BACKEND',
]);
const PASSWORD_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PASSPHRASE']);

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toUpperCase());
}

/**
 * Answers already given, by name. Redacting a cluster's object lists asks about every string
 * field's key, the same few hundred names (labels, metadata, container fields) thousands of times
 * over; splitting each into words again was a third of that walk. Bounded: cleared when full.
 */
const known = new Map<string, SecretKind | null>();
const MAX_KNOWN = 10_000;

/** The kind of secret a value under this name holds, or undefined when the name looks harmless. */
export function secretKindForName(name: string): SecretKind | undefined {
  const seen = known.get(name);
  if (seen !== undefined) return seen ?? undefined;
  const kind = kindForName(name);
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(name, kind ?? null);
  return kind;
}

function kindForName(name: string): SecretKind | undefined {
  if (name.length > 256) return undefined;
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined || BENIGN_LAST_WORDS.has(last)) return undefined;
  let secret = SECRET_LAST_WORDS.has(last);
  let password = false;
  words.forEach((word, i) => {
    if (SECRET_WORDS.has(word)) secret = true;
    // PGPASSWORD, MYSQLPASSWD: a password glued to a product name.
    if (PASSWORD_WORDS.has(word) || word.endsWith('PASSWORD') || word.endsWith('PASSWD')) password = true;
    if (word === 'KEY' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) secret = true;
  });
  if (password) return 'password';
  return secret ? 'generic-secret' : undefined;
}
