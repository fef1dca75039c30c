/**
 * Label and field selectors, against the API server's semantics: set-based and equality-based
 * requirements AND-ed by commas, `!=`/`notin` matching objects without the label, and 400-worthy
 * errors for what the API server refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SelectorError, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/serve/selectors.js';

const ZTUNNEL = { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'sidecar.istio.io/inject': 'false' };
const REVIEWS = { app: 'reviews', version: 'v2' };

const labelCases: [string, Record<string, string> | undefined, boolean][] = [
  ['app=ztunnel', ZTUNNEL, true],
  ['app==ztunnel', ZTUNNEL, true],
  ['app=istiod', ZTUNNEL, false],
  ['app!=ztunnel', ZTUNNEL, false],
  ['version!=v1', ZTUNNEL, true], // no label at all: != matches, as upstream
  ['app in (reviews, ratings)', REVIEWS, true],
  ['app in (ratings)', REVIEWS, false],
  ['version notin (v1,v3)', REVIEWS, true],
  ['version notin (v1,v3)', ZTUNNEL, true],
  ['version notin (v2)', REVIEWS, false],
  ['version', REVIEWS, true],
  ['version', ZTUNNEL, false],
  ['!version', ZTUNNEL, true],
  ['!version', REVIEWS, false],
  ['app.kubernetes.io/name=ztunnel,sidecar.istio.io/inject=false', ZTUNNEL, true],
  ['app in (reviews,ztunnel),!version', ZTUNNEL, true],
  ['app in (reviews,ztunnel),!version', REVIEWS, false],
  ['app=ztunnel', undefined, false],
  ['', REVIEWS, true],
];

describe('label selectors', () => {
  it.each(labelCases)('%s on %o -> %s', (selector, labels, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['app in (a', '=x', 'a b', 'app=bad value', 'x,,y', 'app=-x'])('refuses invalid syntax: %s', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });

  it('accepts an empty value, which matches an empty label', () => {
    expect(matchesLabels(parseLabelSelector('app='), { app: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('app='), { app: 'x' })).toBe(false);
  });

  it('an equality requirement matches exactly the objects carrying that value', () => {
    const token = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
    fc.assert(
      fc.property(token, token, fc.dictionary(token, token), (key, value, labels) => {
        const reqs = parseLabelSelector(`${key}=${value}`);
        expect(matchesLabels(reqs, labels)).toBe(Object.hasOwn(labels, key) && labels[key] === value);
        expect(matchesLabels(parseLabelSelector(`${key}!=${value}`), labels)).toBe(!(Object.hasOwn(labels, key) && labels[key] === value));
      }),
    );
  });
});

const POD_FIELDS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];
const pod = { metadata: { name: 'ztunnel-aaaaa', namespace: 'istio-system' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };

describe('field selectors', () => {
  it.each([
    ['spec.nodeName=node-1', true],
    ['spec.nodeName==node-2', false],
    ['spec.nodeName!=node-2,status.phase=Running', true],
    ['metadata.namespace=istio-system,metadata.name=ztunnel-aaaaa', true],
    ['status.phase!=Running', false],
  ] as const)('%s -> %s', (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector, POD_FIELDS), pod)).toBe(expected);
  });

  it('refuses fields the resource does not index, like the API server', () => {
    expect(() => parseFieldSelector('spec.hostNetwork=true', POD_FIELDS)).toThrow('field label not supported: spec.hostNetwork');
    expect(() => parseFieldSelector('spec.nodeName', POD_FIELDS)).toThrow(SelectorError);
  });
});
