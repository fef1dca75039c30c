/**
 * The HTML report's inline filter script, run in a VM against a minimal fake DOM built from the
 * rendered page (no browser needed here; a later issue drives the page in headless Chromium).
 * Checks that it reveals the form, and that severity boxes, the category select and the text
 * search hide exactly the non-matching cards and the empty severity groups.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { realisticReport } from './reports.js';

interface FakeCard {
  hidden: boolean;
  textContent: string;
  attrs: Record<string, string>;
  getAttribute(name: string): string | null;
}

function fakePage(html: string) {
  const handlers: Record<string, (() => void)[]> = {};
  const cards: FakeCard[] = [...html.matchAll(/<article class="finding[^"]*" id="[^"]*" data-severity="(\w+)" data-category="([\w-]+)"[^>]*>([\s\S]*?)<\/article>/g)].map((m) => {
    const attrs = { 'data-severity': m[1] ?? '', 'data-category': m[2] ?? '' };
    return { hidden: false, textContent: (m[3] ?? '').replace(/<[^>]*>/g, ' '), attrs, getAttribute: (n: string) => attrs[n as keyof typeof attrs] ?? null };
  });
  const groups = [...html.matchAll(/<section class="severity-group" id="group-(\w+)"/g)].map((m) => ({
    severity: m[1],
    hidden: false,
    querySelector: (sel: string) => {
      expect(sel).toBe('article.finding:not([hidden])');
      return cards.find((c) => c.attrs['data-severity'] === m[1] && !c.hidden) ?? null;
    },
  }));
  const boxes = [...html.matchAll(/<input type="checkbox" name="severity" value="(\w+)" checked>/g)].map((m) => ({ value: m[1], checked: true }));
  const form = {
    hidden: /<form id="filters"[^>]* hidden>/.test(html),
    querySelectorAll: (sel: string) => {
      expect(sel).toBe('input[name="severity"]');
      return boxes;
    },
    addEventListener: (type: string, fn: () => void) => (handlers[type] ??= []).push(fn),
  };
  const elements: Record<string, unknown> = { filters: form, 'filter-category': { value: '' }, 'filter-text': { value: '' }, 'filter-count': { textContent: '' } };
  const document = {
    getElementById: (id: string) => elements[id] ?? null,
    querySelectorAll: (sel: string) => (sel === 'article.finding' ? cards : sel === 'section.severity-group' ? groups : []),
  };
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  runInNewContext(script, { document });
  const fire = () => (handlers.input ?? []).forEach((fn) => fn());
  const visible = () => cards.filter((c) => !c.hidden).map((c) => c.attrs['data-category']);
  return { form, boxes, groups, elements: elements as Record<string, { value: string; textContent: string }>, fire, visible };
}

describe('HTML filter script', () => {
  const html = renderHtml(realisticReport());

  it('reveals the filter form and shows every finding at first', () => {
    const page = fakePage(html);
    expect(page.form.hidden).toBe(false);
    expect(page.visible()).toEqual(['certificates', 'traffic', 'xds-sync', 'versions']);
    expect(page.elements['filter-count']?.textContent).toBe('4 of 4 findings shown');
  });

  it('hides unticked severities and their empty groups', () => {
    const page = fakePage(html);
    for (const box of page.boxes) box.checked = box.value === 'critical' || box.value === 'warning';
    page.fire();
    expect(page.visible()).toEqual(['certificates', 'xds-sync']);
    expect(page.groups.filter((g) => g.hidden).map((g) => g.severity)).toEqual(['error', 'info']);
    expect(page.elements['filter-count']?.textContent).toBe('2 of 4 findings shown');
  });

  it('filters by category and by case-insensitive text', () => {
    const page = fakePage(html);
    const category = page.elements['filter-category'];
    const text = page.elements['filter-text'];
    if (!category || !text) throw new Error('fake page lacks the filter inputs');
    category.value = 'traffic';
    page.fire();
    expect(page.visible()).toEqual(['traffic']);
    category.value = '';
    text.value = '  ISTIOD ';
    page.fire();
    expect(page.visible()).toEqual(['certificates', 'xds-sync', 'versions']);
    text.value = 'no such text anywhere';
    page.fire();
    expect(page.visible()).toEqual([]);
    expect(page.groups.every((g) => g.hidden)).toBe(true);
  });
});
