/**
 * Where a build starts: the model open now (keeping its parameters, what-ifs and story), a
 * template, or nothing. Every start gets an id and a title that say it was built, so a built
 * model never passes for one of the lab's own.
 */
import { BUILTIN_MODELS } from '../../../models/index.ts';
import type { Draft } from './edits.ts';

export const TEMPLATES = [
  { id: 'one-service', label: 'One service' },
  { id: 'three-tier', label: 'Client → API → database' },
  { id: 'two-regions', label: 'Two regions with failover' },
  { id: 'empty', label: 'Empty' },
] as const;
export type TemplateId = (typeof TEMPLATES)[number]['id'];

export function isTemplate(id: string): id is TemplateId {
  return TEMPLATES.some((t) => t.id === id);
}

/** A new model: no parameters, what-ifs or story of its own. */
function bare(id: string, title: string): Draft {
  return {
    schema: 1,
    id,
    title,
    description: '',
    durationS: 600,
    dtS: 0.25,
    seed: 1,
    noise: 0.02,
    regions: [{ id: 'local', label: 'Local' }],
    services: [],
    calls: [],
    sources: [],
    params: [],
    defaults: {},
    timeline: [],
  };
}

export function template(id: TemplateId): Draft {
  switch (id) {
    case 'empty':
      return bare('built', 'Built: a new model');
    case 'one-service': {
      const d = bare('built-one-service', 'Built: one service');
      d.services = [{ id: 'server', label: 'Server', capacityRps: 1000, door: true, family: 'Server' }];
      d.sources = [{ id: 'clients', label: 'Clients', service: 'server', rateRps: 700 }];
      d.defaults = { 'retry.attempts': 3, timeout: 5 };
      d.timeline = [{ at: 60, type: 'fault', service: 'server', capacityPercent: 20, durationS: 30, label: 'Capacity drops' }];
      return d;
    }
    case 'three-tier': {
      const d = bare('built-three-tier', 'Built: client → API → database');
      d.services = [
        { id: 'api', label: 'API', capacityRps: 2000, door: true, family: 'API' },
        { id: 'database', label: 'Database', capacityRps: 2000, family: 'Database' },
      ];
      d.calls = [{ from: 'api', to: 'database' }];
      d.sources = [{ id: 'clients', label: 'Clients', service: 'api', rateRps: 300 }];
      d.defaults = { 'retry.attempts': 3, timeout: 5 };
      d.timeline = [{ at: 60, type: 'fault', service: 'database', capacityPercent: 10, durationS: 30, label: 'Database slows down' }];
      return d;
    }
    case 'two-regions': {
      const d = bare('built-two-regions', 'Built: two regions with failover');
      d.regions = [
        { id: 'east', label: 'East', pair: 'west', lat: 37.4, lon: -79.2 },
        { id: 'west', label: 'West', pair: 'east', lat: 47.2, lon: -119.9 },
      ];
      d.services = [
        { id: 'api', label: 'API', capacityRps: 1000, door: true, family: 'API' },
        { id: 'tokens', label: 'Token service', capacityRps: 1000, failover: true, family: 'Tokens' },
      ];
      d.calls = [{ from: 'api', to: 'tokens' }];
      d.sources = [{ id: 'clients', label: 'Clients', service: 'api', rateRps: 400 }];
      d.params = [
        {
          id: 'failover', label: 'Failover share', unit: '%', group: 'regions', kind: 'number', min: 0, max: 100, step: 1, default: 50,
          description: "Share of a region's failed token calls retried in the paired region. 0 keeps regions isolated.", knob: { kind: 'routing.failover' },
        },
      ];
      d.defaults = { 'retry.attempts': 3, timeout: 5 };
      d.timeline = [{ at: 60, type: 'fault', service: 'tokens', regions: ['east'], capacityPercent: 10, durationS: 60, label: 'East tokens slow down' }];
      return d;
    }
  }
}

/** A build from a model of the lab or a model file (`data`): all of it, under an id and a title that say it was built. */
export function fromModel(data: unknown): Draft {
  const d = structuredClone(data) as Draft;
  const base = d.id.replace(/^built-?/, '');
  d.id = base ? `built-${base}`.slice(0, 40).replace(/-$/, '') : 'built';
  d.title = d.title.startsWith('Built: ') ? d.title : `Built: ${d.title}`.slice(0, 120);
  return d;
}

/** The data of a built-in model by id (its own entry, never a prototype's), or undefined. */
export function builtinData(id: string): unknown {
  return Object.hasOwn(BUILTIN_MODELS, id) ? BUILTIN_MODELS[id] : undefined;
}
