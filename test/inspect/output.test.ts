/**
 * JSON and YAML the way istioctl prints them: Go's json.MarshalIndent (checked on our own
 * values) and sigs.k8s.io/yaml's JSONToYAML, checked byte for byte on istioctl's own proxy-status
 * goldens (the same document as -o json and as -o yaml) read in place from ../shared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { goMap, goYamlQuotes, renderJson, renderYaml } from '../../src/inspect/output.js';

const PILOT = fileURLToPath(new URL('../../../shared/upstream/istio/istioctl/pkg/writer/pilot/testdata/', import.meta.url));

describe('renderJson', () => {
  it('indents by four spaces, keeps struct order, sorts map keys as strings and ends with a newline', () => {
    expect(renderJson([{ b: 1, a: goMap({ '9080': 1, '15008': 2 }), e: [], o: {}, u: undefined }])).toBe(
      '[\n    {\n        "b": 1,\n        "a": {\n            "15008": 2,\n            "9080": 1\n        },\n        "e": [],\n        "o": {}\n    }\n]\n',
    );
    expect(renderJson([])).toBe('[]\n');
  });

  it('escapes <, >, & and line separators as Go does, on both the fast and the map-preserving path', () => {
    expect(renderJson({ s: 'a<b>&c\u2028' })).toBe('{\n    "s": "a\\u003cb\\u003e\\u0026c\\u2028"\n}\n');
    expect(renderJson({ m: goMap({ '1': '<x>' }) })).toBe('{\n    "m": {\n        "1": "\\u003cx\\u003e"\n    }\n}\n');
  });
});

describe('renderYaml', () => {
  it('double-quotes strings yaml.v2 would read as another type, single-quotes other special ones', () => {
    for (const s of ['', 'yes', 'off', '~', '1.20', '15008', '0x1F', '1_000', '2033-03-22T13:04:57Z', '2024-01-02', '1:20', '.5', '-3']) {
      expect(goYamlQuotes(s), s).toBe(true);
    }
    for (const s of ['HBONE', 'bookinfo', '10.244.2.59', 'spiffe://cluster.local/ns/a/sa/b', '/10.96.0.1', '@type', 'v1.2.3']) {
      expect(goYamlQuotes(s), s).toBe(false);
    }
    expect(renderYaml([{ port: goMap({ '15008': 15008 }), at: '2033-03-22T13:04:57Z', t: '@type', ip: '10.0.0.1', e: '' }])).toBe(
      "- at: \"2033-03-22T13:04:57Z\"\n  e: \"\"\n  ip: 10.0.0.1\n  port:\n    \"15008\": 15008\n  t: '@type'\n\n",
    );
  });

  describe.skipIf(!existsSync(`${PILOT}multiXdsStatusSinglePilot.json`))('on istioctl proxy-status goldens (skipped: ../shared not present)', () => {
    it('the YAML of multiXdsStatusSinglePilot.json is multiXdsStatusSinglePilot.yaml byte for byte', () => {
      const json = JSON.parse(readFileSync(`${PILOT}multiXdsStatusSinglePilot.json`, 'utf8')) as unknown;
      expect(renderYaml(json)).toBe(readFileSync(`${PILOT}multiXdsStatusSinglePilot.yaml`, 'utf8'));
    });
  });
});
