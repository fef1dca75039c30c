import { describe, expect, it } from 'vitest';
import type { CertificateFact, FactModel } from '../../src/facts/types.js';
import { compileCel } from '../../src/rules/cel.js';
import { evaluateRules } from '../../src/rules/evaluate.js';
import { fill, placeholders } from '../../src/rules/template.js';
import type { Rule } from '../../src/rules/types.js';

function cert(over: Partial<CertificateFact>): CertificateFact {
  return {
    subject: { kind: 'Certificate', name: 'spiffe://cluster.local/ns/default/sa/curl', node: 'worker' },
    evidence: [{ file: 'ztunnel/ztunnel-a/config_dump.json', pointer: '/certificates/0', line: 10 }],
    ztunnel: 'ztunnel-a', node: 'worker', identity: 'spiffe://cluster.local/ns/default/sa/curl', state: 'Available', reason: '',
    chainLength: 1, leafSerial: 'ab', leafValidFrom: '2026-11-24T09:00:00Z', leafExpiration: '2026-11-25T09:00:00Z', expired: false, hoursToExpiry: 3,
    ...over,
  };
}

function model(certificates: CertificateFact[], unavailable: FactModel['unavailable'] = {}): FactModel {
  return {
    bundle: { source: 'b', collectedAt: '2026-11-25T06:00:00Z', hasManifest: true, manifestStatus: 'complete', ztunnelCount: 1, istiodCount: 1, nodeCount: 1, ambientNamespaces: ['default'] },
    ztunnels: [], pods: [], workloadStates: [], certificates, xdsSync: [], logIssues: [], trafficErrors: [], artifacts: [], unavailable,
  };
}

function rule(over: Partial<Rule> & { when: string }): Rule {
  const { when, ...rest } = over;
  return {
    id: 'r', title: 'T', severity: 'error', category: 'certificates', for: 'certificates', message: 'cert {{identity}} is {{state}}',
    remediation: 'fix {{node}}', docs: 'https://x', file: 'r.yaml', path: '/r.yaml', condition: compileCel(when), dataExpressions: {}, builtin: true,
    ...rest,
  };
}

describe('evaluateRules', () => {
  it('makes a finding per matching fact, with the fact subject and evidence and a filled message', () => {
    const facts = model([cert({}), cert({ identity: 'spiffe://x/ns/a/sa/b', subject: { kind: 'Certificate', name: 'spiffe://x/ns/a/sa/b' }, state: 'Unavailable', reason: 'boom' })]);
    const out = evaluateRules([rule({ when: 'item.state == "Unavailable"' })], facts);
    expect(out.rulesRun).toBe(1);
    expect(out.errors).toEqual([]);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ ruleId: 'r', severity: 'error', message: 'cert spiffe://x/ns/a/sa/b is Unavailable', remediation: 'fix worker' });
    expect(out.findings[0]?.evidence[0]?.pointer).toBe('/certificates/0');
  });

  it('binds whole numbers as CEL ints so integer arithmetic works, and fills data placeholders', () => {
    const facts = model([cert({ hoursToExpiry: 3 })]);
    const r = rule({ when: 'item.hoursToExpiry * 60 < 200', message: 'expires in {{minutes}} min ({{bundle.collectedAt}})', dataExpressions: { minutes: compileCel('item.hoursToExpiry * 60') } });
    const out = evaluateRules([r], facts);
    expect(out.findings.map((f) => f.message)).toEqual(['expires in 180 min (2026-11-25T06:00:00Z)']);
  });

  it('reports CEL runtime errors and non-boolean conditions as rule errors, never as silence', () => {
    const facts = model([cert({})]);
    const out = evaluateRules([rule({ id: 'a', when: 'item.nope == 1' }), rule({ id: 'b', when: 'item.state' })], facts);
    expect(out.findings).toEqual([]);
    expect(out.errors.map((e) => [e.ruleId, e.reason.split(':')[0]])).toEqual([['a', 'condition'], ['b', 'condition returned string, not a boolean']]);
  });

  it('skips a rule whose collection the bundle cannot provide, saying why', () => {
    const out = evaluateRules([rule({ when: 'true' })], model([], { certificates: 'no ztunnel config_dump.json in the bundle' }));
    expect(out.rulesRun).toBe(0);
    expect(out.skipped).toEqual([{ ruleId: 'r', title: 'T', category: 'certificates', reason: 'no ztunnel config_dump.json in the bundle' }]);
  });

  it('deduplicates and sorts findings by severity, category, rule and subject', () => {
    const facts = model([cert({ subject: { kind: 'Certificate', name: 'b' } }), cert({ subject: { kind: 'Certificate', name: 'a' } }), cert({ subject: { kind: 'Certificate', name: 'a' } })]);
    const out = evaluateRules([rule({ id: 'w', severity: 'warning', when: 'true' }), rule({ id: 'c', severity: 'critical', when: 'true' })], facts);
    expect(out.findings.map((f) => `${f.severity}:${f.subject.name}`)).toEqual(['critical:a', 'critical:b', 'warning:a', 'warning:b']);
  });
});

describe('message templates', () => {
  it('lists placeholders and reports the ones without a value', () => {
    expect(placeholders('a {{x}} b {{ y.z }}')).toEqual(['x', 'y.z']);
    expect(fill('{{a}} and {{b.c}} and {{d}}', { a: 1, b: { c: ['p', 'q'] } })).toEqual({ text: '1 and p, q and (unknown)', missing: ['d'] });
  });

  it('substitutes values literally, never interpreting template syntax inside them', () => {
    expect(fill('pod {{name}}', { name: '{{other}} <b>' }).text).toBe('pod {{other}} <b>');
  });
});
