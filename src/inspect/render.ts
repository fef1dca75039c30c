/**
 * Renders one `inspect` view of a parsed ztunnel config dump as a table, JSON or YAML: a pure
 * function of the dump and the filter, so the command, the tests and any future caller print the
 * same bytes. `all` prints the five tables in istioctl's order (workloads, services, policies,
 * certificates, connections), each after a blank line and, with headers, a "------ X INFO ------"
 * banner; as JSON/YAML it is one object with the five item lists.
 */
import type { ZtunnelConfigDump } from '../parse/configDump.js';
import { certificateItems, certificatesTable } from './certificates.js';
import { connectionItems, connectionsTable } from './connections.js';
import type { InspectFilter } from './filter.js';
import { renderJson, renderYaml } from './output.js';
import { policiesTable, policyItems } from './policies.js';
import { serviceItems, servicesTable } from './services.js';
import { workloadItems, workloadsTable } from './workloads.js';

export const VIEWS = ['workloads', 'services', 'policies', 'certificates', 'connections', 'all'] as const;
export type InspectView = (typeof VIEWS)[number];
export type SingleView = Exclude<InspectView, 'all'>;
export type InspectFormat = 'table' | 'json' | 'yaml';

interface ViewDef {
  banner: string;
  table: (dump: ZtunnelConfigDump, filter: InspectFilter) => string;
  items: (dump: ZtunnelConfigDump, filter: InspectFilter) => unknown[];
}

const VIEW_DEFS: Record<SingleView, ViewDef> = {
  workloads: { banner: 'WORKLOAD INFO', table: workloadsTable, items: workloadItems },
  services: { banner: 'SERVICE INFO', table: servicesTable, items: serviceItems },
  policies: { banner: 'POLICY INFO', table: policiesTable, items: policyItems },
  certificates: { banner: 'SECRET INFO', table: certificatesTable, items: certificateItems },
  connections: { banner: 'CONNECTIONS INFO', table: connectionsTable, items: connectionItems },
};

const SINGLE_VIEWS = Object.keys(VIEW_DEFS) as SingleView[];

export interface RenderOptions {
  view: InspectView;
  format: InspectFormat;
  filter: InspectFilter;
  /** all, table format: a banner before each table. */
  withHeaders?: boolean;
}

export function renderView(dump: ZtunnelConfigDump, options: RenderOptions): string {
  const { view, format, filter } = options;
  if (format === 'table') {
    if (view !== 'all') return VIEW_DEFS[view].table(dump, filter);
    return SINGLE_VIEWS.map((v) => {
      const banner = options.withHeaders ? `------ ${VIEW_DEFS[v].banner} ------\n\n` : '';
      return `\n${banner}${VIEW_DEFS[v].table(dump, filter)}`;
    }).join('');
  }
  const value = view === 'all' ? Object.fromEntries(SINGLE_VIEWS.map((v) => [v, VIEW_DEFS[v].items(dump, filter)])) : VIEW_DEFS[view].items(dump, filter);
  return format === 'json' ? renderJson(value) : renderYaml(value);
}
