/**
 * The Build view: the model being built as a form drawn from the builder's field tables (services,
 * calls, sources, retries and routing, regions, timeline, run), the editable graph above it, the
 * regions on a world map (a click places one), and what the loader says placed at the field it
 * names. Each control reports an edit to the builder's store; the form is drawn again from the
 * store, keeping focus where it was (and, after an edit of a value, the form on screen with it).
 */
import { addCall, addEvent, addRegion, fixEventValue, addService, addSource, failoverShare, pairRegions, placeRegion, removeCall, removeEvent, removeRegion, removeService, removeSource, setDefault, setEventType, setFailoverShare, setField, setPolicy, type Draft, type Path } from '../app/build/edits.ts';
import { allowedSetting, allowedText, CALL_FIELDS, CALL_POLICY_FIELDS, SERVICE_POLICY_FIELDS, commonParam, DEFAULT_SETTINGS, eventFields, eventLabel, EVENT_TYPES, REGION_FIELDS, RUN_FIELDS, SERVICE_FIELDS, SOURCE_FIELDS, type FieldSpec } from '../app/build/fields.ts';
import { placeOf } from '../app/build/check.ts';
import type { BuildState, BuildStore } from '../app/build/state.ts';
import { TEMPLATES } from '../app/build/templates.ts';
import { drawBuildGraph } from './build-graph.ts';
import { drawBuildMap } from './build-map.ts';
import { showForm } from './form-in-place.ts';

export interface BuildPanelHooks {
  startFrom(kind: string): void;
  copyLink(): void;
  saveModel(): void;
  /** The length of the link to the built model running now, or null if another model runs. */
  linkLength(): number | null;
  loadAt(): { service: string; label: string; offered: number; demand: number }[];
}

type Props<K extends keyof HTMLElementTagNameMap> = Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string>; attrs?: Record<string, string> };

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const { dataset, attrs, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(e.dataset, dataset);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

export function createBuildPanel(build: BuildStore, hooks: BuildPanelHooks) {
  const edit = (change: (d: Draft) => Draft) => build.getState().edit(change);
  const root = h('aside', { id: 'build', className: 'build-panel', hidden: true, attrs: { 'aria-labelledby': 'build-title' } });
  const close = h('button', { type: 'button', className: 'build-close', textContent: '×', attrs: { 'aria-label': 'Close Build' } });
  close.addEventListener('click', () => build.getState().closeView());
  const start = h('select', { id: 'build-start' }, h('option', { value: 'current', textContent: 'The model open now' }), ...TEMPLATES.map((t) => h('option', { value: t.id, textContent: t.label })));
  const startButton = h('button', { type: 'button', textContent: 'Start' });
  startButton.addEventListener('click', () => hooks.startFrom(start.value));
  const undo = h('button', { type: 'button', textContent: 'Undo', title: 'Undo (Ctrl+Z)' });
  const redo = h('button', { type: 'button', textContent: 'Redo', title: 'Redo (Ctrl+Shift+Z)' });
  undo.addEventListener('click', () => build.getState().undo());
  redo.addEventListener('click', () => build.getState().redo());
  const keep = h('input', { type: 'checkbox', id: 'build-keep-time' });
  keep.addEventListener('change', () => build.getState().setKeepTime(keep.checked));
  const status = h('p', { id: 'build-status', className: 'build-status', attrs: { role: 'status' } });
  const problems = h('div', { id: 'build-problems', className: 'build-problems' });
  const linkLine = h('span', { id: 'build-link' });
  const copyLink = h('button', { type: 'button', textContent: 'Copy link' });
  copyLink.addEventListener('click', () => hooks.copyLink());
  const save = h('button', { type: 'button', textContent: 'Save model' });
  save.addEventListener('click', () => hooks.saveModel());
  const loadTable = h('table', { id: 'build-load', className: 'build-load' });
  const graph = h('div', { className: 'build-graph' });
  const form = h('div', { id: 'build-form', className: 'build-form' });
  root.append(
    h('div', { className: 'build-head' }, h('h2', { id: 'build-title', textContent: 'Build' }), close),
    h('div', { className: 'build-row' }, h('label', { htmlFor: start.id, textContent: 'Start from' }), start, startButton, undo, redo),
    h('label', { className: 'build-row' }, keep, ' Keep the time on each change'),
    status,
    problems,
    h('div', { className: 'build-row' }, linkLine, copyLink, save),
    h('details', { className: 'build-loads', open: true }, h('summary', { textContent: 'Load at each service, as a multiple of its new work' }), loadTable),
    graph,
    form,
  );

  let shown: BuildState | null = null;
  /** The region a click on the map places (chosen beside the map; not part of the model). */
  let placing: string | null = null;

  function render(s: BuildState): void {
    shown = s;
    undo.disabled = s.past.length === 0;
    redo.disabled = s.future.length === 0;
    keep.checked = s.keepTime;
    const d = s.draft;
    if (!d) return;
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active && root.contains(active) ? active.dataset.key : undefined;
    // A field being typed in (the form is drawn again a moment after an edit) keeps what is typed.
    const typing = focusKey !== undefined && active instanceof HTMLInputElement && active.type !== 'checkbox' && active.value !== active.defaultValue ? active : null;
    drawBuildGraph(graph, d, s.selected, {
      addCall: (from, to) => edit((x) => addCall(x, from, to)),
      select: (id) => {
        build.getState().select(id);
        const i = build.getState().draft?.services.findIndex((x) => x.id === id) ?? -1;
        form.querySelector<HTMLElement>(`[data-key="services.${i}.label"]`)?.focus();
      },
    });
    showForm(form, sections(d, edit), typing);
    const map = form.querySelector<HTMLElement>('[data-drawn="map"]');
    if (map) {
      drawBuildMap(map, d, {
        chosen: () => placing,
        choose: (id) => (placing = id),
        place: (id, lat, lon) => {
          placing = id;
          edit((x) => placeRegion(x, id, lat, lon));
        },
      });
    }
    placeProblems(s);
    if (focusKey) {
      const again = root.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`);
      again?.focus({ preventScroll: true });
      if (typing && again instanceof HTMLInputElement && again !== typing) again.value = typing.value;
    }
    panelStatus();
    frame();
  }

  function placeProblems(s: BuildState): void {
    problems.replaceChildren();
    if (!s.checked || s.checked.ok) return;
    const paths = [...form.querySelectorAll<HTMLElement>('[data-path]')].map((e) => e.dataset.path!);
    s.checked.problems.forEach((p, n) => {
      const at = placeOf(p.path, paths);
      const target = at ? form.querySelector<HTMLElement>(`[data-path="${CSS.escape(at)}"]`) : null;
      const allowed = target?.dataset.allowed;
      const text = `${at === p.path || !p.path ? '' : p.path + ': '}${p.message}${allowed ? ` — allowed: ${allowed}` : ''}`;
      const msg = h('p', { className: 'build-error', id: `build-error-${n}`, textContent: text });
      if (!target) {
        problems.append(h('p', { className: 'build-error', textContent: `${p.path ? p.path + ': ' : ''}${p.message}` }));
        return;
      }
      if (target.tagName === 'FIELDSET') target.append(msg);
      else {
        target.setAttribute('aria-invalid', 'true');
        target.setAttribute('aria-describedby', msg.id);
        (target.closest('label') ?? target).after(msg);
      }
    });
  }

  function panelStatus(): void {
    const s = shown;
    if (!s?.draft) return;
    const n = s.checked && !s.checked.ok ? s.checked.problems.length : 0;
    status.textContent = n
      ? `${n} problem${n > 1 ? 's' : ''} in this edit, shown at ${n > 1 ? 'their fields' : 'its field'}: it does not run; ${s.valid ? 'the last valid model' : 'the model open before'} goes on.`
      : 'The model as edited is running.';
    status.classList.toggle('bad', n > 0);
    const chars = hooks.linkLength();
    linkLine.textContent = chars === null ? 'Link: once the model runs' : chars > 8000 ? `Too big for a link (${chars.toLocaleString('en-US')} characters of 8,000): save the model as a file instead.` : `Link: ${chars.toLocaleString('en-US')} characters of 8,000`;
    linkLine.classList.toggle('bad', chars !== null && chars > 8000);
  }

  function frame(): void {
    const rows = hooks.loadAt();
    loadTable.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', { textContent: 'Service', scope: 'col' }), h('th', { textContent: 'Offered (req/s)', scope: 'col' }), h('th', { textContent: '× new work', scope: 'col' }))),
      h('tbody', {}, ...rows.map((r) => h('tr', { dataset: { service: r.service } }, h('th', { textContent: r.label, scope: 'row' }), h('td', { textContent: fmt(r.offered) }), h('td', { className: 'times', textContent: r.demand > 0 ? `${r.offered / r.demand >= 100 ? Math.round(r.offered / r.demand) : (r.offered / r.demand).toFixed(1)}×` : '–' })))),
    );
  }

  return {
    root,
    render,
    status: panelStatus,
    frame,
    focus: () => start.focus({ preventScroll: true }),
  };
}

/** One control for one field of the model file, committing on change. */
function control(spec: FieldSpec, path: Path, value: unknown, d: Draft | null, commit: (value: unknown) => void): HTMLElement {
  const key = path.join('.');
  const label = `${spec.label}${spec.unit ? ` (${spec.unit})` : ''}`;
  let input: HTMLInputElement | HTMLSelectElement;
  if (spec.kind === 'bool') {
    input = h('input', { type: 'checkbox', checked: value === true });
    input.addEventListener('change', () => commit((input as HTMLInputElement).checked));
  } else if (spec.kind === 'choice') {
    input = h('select', {}, ...spec.options!.map((o) => h('option', { value: o.value, textContent: o.label })));
    input.value = typeof value === 'string' ? value : '';
    input.addEventListener('change', () => commit(input.value === '' ? undefined : input.value));
  } else if (spec.kind === 'setting') {
    // A number, "off" where the setting may be off, or empty for the model-wide value.
    const shownValue = value === undefined ? '' : String(value);
    input = h('input', { type: 'text', defaultValue: shownValue, value: shownValue, placeholder: 'model-wide' });
    input.inputMode = 'decimal';
    input.addEventListener('change', () => {
      const raw = input.value.trim();
      commit(raw === '' ? undefined : raw === 'off' ? 'off' : Number(raw));
    });
  } else if (spec.kind === 'service' || spec.kind === 'region') {
    const options = !d ? [] : spec.kind === 'service' ? d.services.map((s) => [s.id, s.label]) : d.regions.map((r) => [r.id, r.label]);
    input = h('select', {}, ...(spec.optional ? [h('option', { value: '', textContent: '(none)' })] : []), ...options.map(([id, l]) => h('option', { value: id, textContent: l })));
    input.value = typeof value === 'string' ? value : '';
    input.addEventListener('change', () => commit(input.value === '' ? undefined : input.value));
  } else {
    // A time is seconds from the start, or (on a model with a clock) a time of day as the model file writes it.
    const text = spec.kind === 'text' || spec.kind === 'time';
    // The value the model holds is the field's default too: Ctrl+Z undoes the model's last edit unless this one is being typed.
    const shownValue = value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? '' : String(value);
    input = h('input', { type: text ? 'text' : 'number', defaultValue: shownValue, value: shownValue });
    if (!text) {
      input.step = 'any';
      input.inputMode = 'decimal';
    }
    input.addEventListener('change', () => {
      const raw = input.value.trim();
      if (raw === '' && spec.optional) commit(undefined);
      else if (spec.kind === 'time') commit(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
      else if (text) commit(input.value);
      else commit(raw === '' ? NaN : Number(raw));
    });
  }
  input.dataset.key = key;
  input.dataset.path = key;
  input.dataset.allowed = allowedText(spec);
  if (spec.help) input.title = spec.help;
  return h('label', { className: `build-field ${spec.kind}` }, h('span', { textContent: label }), input);
}

/** The policy boxes a person has opened, by key: they stay open as the form is drawn again after each edit. */
const openPolicies = new Set<string>();

/**
 * A call's or a service's own policy, folded away until asked for (open when it has one, or when
 * it was opened): each field empty means the model-wide setting applies. Its fields are made only
 * when it is open, so that a big model's form stays quick to draw again after each edit.
 */
function policyBox(title: string, key: string, fields: readonly FieldSpec[], policy: Record<string, unknown> | undefined, at: Path, set: (id: string, value: number | string | undefined) => void): HTMLElement {
  const own = policy ? Object.keys(policy).length : 0;
  const open = own > 0 || openPolicies.has(key);
  const body = h('div', { className: 'build-policy-fields' });
  const fill = () => {
    if (body.childElementCount === 0) body.append(...fields.map((f) => control(f, [...at, 'policy', f.key], policy?.[f.key], null, (v) => set(f.key, v as number | string | undefined))));
  };
  if (open) fill();
  const box = h('details', { className: 'build-policy', open, dataset: { key } },
    h('summary', { textContent: own > 0 ? `${title} (${own} set)` : `${title} (model-wide)` }),
    body,
  );
  box.addEventListener('toggle', () => {
    if (box.open) {
      openPolicies.add(key);
      fill();
    } else openPolicies.delete(key);
  });
  return box;
}

function removeButton(key: string, label: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = h('button', { type: 'button', className: 'build-remove', textContent: 'Remove', disabled, dataset: { key }, attrs: { 'aria-label': label } });
  b.addEventListener('click', onClick);
  return b;
}

function ownValueButton(key: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', className: 'build-add', textContent: 'Own value', dataset: { key }, attrs: { 'aria-label': label } });
  b.addEventListener('click', onClick);
  return b;
}

function addButton(key: string, text: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = h('button', { type: 'button', className: 'build-add', textContent: text, disabled, dataset: { key } });
  b.addEventListener('click', onClick);
  return b;
}

function section(title: string, ...kids: Node[]): HTMLElement {
  return h('section', { className: 'build-section' }, h('h3', { textContent: title }), ...kids);
}

function sections(d: Draft, edit: (change: (d: Draft) => Draft) => void): HTMLElement[] {
  const set = (path: Path) => (value: unknown) => edit((x) => setField(x, path, value));
  const nameOf = (id: string) => d.services.find((s) => s.id === id)?.label ?? id;

  const services = d.services.map((s, i) =>
    h('fieldset', { className: 'build-item', dataset: { path: `services.${i}` } },
      h('legend', { textContent: `Service: ${s.label}` }),
      ...SERVICE_FIELDS.map((f) => control(f, ['services', i, f.key], (s as Record<string, unknown>)[f.key], d, set(['services', i, f.key]))),
      policyBox('Own queue policy', `services.${i}.policy`, SERVICE_POLICY_FIELDS, s.policy, ['services', i], (id, v) => edit((x) => setPolicy(x, 'services', i, id, v))),
      removeButton(`services.${i}.remove`, `Remove ${s.label}`, () => edit((x) => removeService(x, x.services[i].id))),
    ));

  const calls = d.calls.map((c, i) =>
    h('fieldset', { className: 'build-item call', dataset: { path: `calls.${i}` } },
      h('legend', { textContent: `${nameOf(c.from)} → ${nameOf(c.to)}` }),
      ...CALL_FIELDS.map((f) => control(f, ['calls', i, f.key], (c as Record<string, unknown>)[f.key] ?? 1, d, set(['calls', i, f.key]))),
      policyBox('Own retry policy', `calls.${i}.policy`, CALL_POLICY_FIELDS, c.policy, ['calls', i], (id, v) => edit((x) => setPolicy(x, 'calls', i, id, v))),
      removeButton(`calls.${i}.remove`, `Remove the call ${nameOf(c.from)} → ${nameOf(c.to)}`, () => edit((x) => removeCall(x, i))),
    ));
  const callFrom = h('select', { id: 'build-call-from', dataset: { key: 'call-from' } }, ...d.services.map((s) => h('option', { value: s.id, textContent: s.label })));
  const callTo = h('select', { id: 'build-call-to', dataset: { key: 'call-to' } }, ...d.services.map((s) => h('option', { value: s.id, textContent: s.label })));
  if (d.services.length > 1) callTo.selectedIndex = 1;
  const newCall = h('div', { className: 'build-row' },
    h('label', { htmlFor: callFrom.id, textContent: 'From' }), callFrom, h('label', { htmlFor: callTo.id, textContent: 'to' }), callTo,
    addButton('add-call', 'Add call', () => edit((x) => addCall(x, callFrom.value, callTo.value)), d.services.length < 2));

  const sources = d.sources.map((s, i) =>
    h('fieldset', { className: 'build-item', dataset: { path: `sources.${i}` } },
      h('legend', { textContent: `Source: ${s.label}` }),
      ...SOURCE_FIELDS.map((f) => control(f, ['sources', i, f.key], (s as Record<string, unknown>)[f.key], d, set(['sources', i, f.key]))),
      removeButton(`sources.${i}.remove`, `Remove ${s.label}`, () => edit((x) => removeSource(x, i))),
    ));

  const settings = DEFAULT_SETTINGS.map((id) => {
    const def = commonParam(id);
    const own = d.defaults && Object.hasOwn(d.defaults, id) ? d.defaults[id] : undefined;
    const input = h('input', { type: 'number', step: 'any', defaultValue: String(own ?? def.default), value: String(own ?? def.default), dataset: { key: `defaults.${id}`, path: `defaults.${id}`, allowed: allowedSetting(id) } });
    input.title = def.description;
    input.addEventListener('change', () => edit((x) => setDefault(x, id, input.value.trim() === '' ? undefined : Number(input.value))));
    return h('label', { className: 'build-field number' }, h('span', { textContent: `${def.label}${def.unit ? ` (${def.unit})` : ''}` }), input);
  });
  const share = failoverShare(d);
  const failIndex = d.params.findIndex((p) => p.knob.kind === 'routing.failover');
  const failover = h('input', { type: 'number', step: 'any', defaultValue: share === undefined ? '0' : String(share), value: share === undefined ? '0' : String(share), dataset: { key: 'failover-share', path: failIndex >= 0 ? `params.${failIndex}.default` : 'failover-share', allowed: 'a number from 0 to 100 %' } });
  failover.title = "Share of a region's failed calls to a service that fails over that are retried in the paired region.";
  failover.addEventListener('change', () => edit((x) => setFailoverShare(x, Number(failover.value))));

  const regions = d.regions.map((r, i) =>
    h('fieldset', { className: 'build-item', dataset: { path: `regions.${i}` } },
      h('legend', { textContent: `Region: ${r.label}` }),
      ...REGION_FIELDS.map((f) =>
        control(f, ['regions', i, f.key], (r as Record<string, unknown>)[f.key], d, f.key === 'pair' ? (v) => edit((x) => pairRegions(x, x.regions[i].id, v as string | undefined)) : set(['regions', i, f.key])),
      ),
      removeButton(`regions.${i}.remove`, `Remove ${r.label}`, () => edit((x) => removeRegion(x, i)), d.regions.length < 2),
    ));

  const events = d.timeline.map((ev, i) => {
    const type = h('select', { dataset: { key: `timeline.${i}.type`, path: `timeline.${i}.type` } }, ...EVENT_TYPES.map((t) => h('option', { value: t.type, textContent: t.label })));
    if (!EVENT_TYPES.some((t) => t.type === ev.type)) type.append(h('option', { value: ev.type, textContent: eventLabel(ev.type) }));
    type.value = ev.type;
    type.addEventListener('change', () => edit((x) => setEventType(x, i, type.value)));
    const e = ev as Record<string, unknown>;
    return h('fieldset', { className: 'build-item event', dataset: { path: `timeline.${i}` } },
      h('legend', { textContent: `Event ${i + 1}: ${eventLabel(ev.type)}${typeof e.label === 'string' ? ` — ${e.label}` : ''}` }),
      h('label', { className: 'build-field' }, h('span', { textContent: 'Type' }), type),
      // A time or argument read from a setting ("$trigger.at") moves with that setting; given a
      // value of its own (the setting's default), it is edited here like any other.
      ...eventFields(ev.type, d.dtS).map((f) =>
        typeof e[f.key] === 'string' && (e[f.key] as string).startsWith('$')
          ? h('div', { className: 'build-field ref', dataset: { path: `timeline.${i}.${f.key}` } },
              h('span', { textContent: `${f.label}: from the setting ${(e[f.key] as string).slice(1)}` }),
              ownValueButton(`timeline.${i}.${f.key}.fix`, `Own value for event ${i + 1}: ${f.label.toLowerCase()}`, () => edit((x) => fixEventValue(x, i, f.key))))
          : control(f, ['timeline', i, f.key], e[f.key], d, set(['timeline', i, f.key])),
      ),
      removeButton(`timeline.${i}.remove`, `Remove event ${i + 1}`, () => edit((x) => removeEvent(x, i))),
    );
  });
  const newType = h('select', { id: 'build-event-type', dataset: { key: 'event-type' } }, ...EVENT_TYPES.map((t) => h('option', { value: t.type, textContent: t.label })));
  const newEvent = h('div', { className: 'build-row' },
    h('label', { htmlFor: newType.id, textContent: 'New event' }), newType,
    addButton('add-event', 'Add event', () => edit((x) => addEvent(x, newType.value, 0))));

  const run = RUN_FIELDS.map((f) => control(f, [f.key], (d as Record<string, unknown>)[f.key], d, set([f.key])));

  return [
    section('Services', ...services, addButton('add-service', 'Add service', () => edit((x) => addService(x).draft))),
    section('Calls', ...calls, newCall),
    section('Sources', ...sources, addButton('add-source', 'Add source', () => edit((x) => addSource(x, x.services[0].id)), d.services.length === 0)),
    section('Retries and routing', ...settings, h('label', { className: 'build-field number' }, h('span', { textContent: 'Failover share (%)' }), failover)),
    section(`Regions (${d.regions.length})`, h('div', { className: 'build-map', dataset: { drawn: 'map' } }), ...regions, addButton('add-region', 'Add region', () => edit(addRegion))),
    section('Timeline', ...events, newEvent),
    section('Run', ...run),
  ];
}
