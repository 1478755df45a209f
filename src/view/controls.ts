/**
 * Controls generated from the parameter registry: grouped, each with its value and unit, a
 * description in one fixed line above them (on hover and focus; nothing below ever moves) and as
 * a tooltip, and a reset to the model's default. A setting that can be switched off is a switch
 * first: on, its slider shows (its room kept while off, so the rows stay put); off, there is no
 * slider to misread. A switch comes on at the value last used in this page, or the registry's
 * `onValue`.
 */
import { formatValue, type ParamDef, type ParamGroup, type ParamValue } from '../params/registry.ts';

const GROUPS: { id: ParamGroup; label: string }[] = [
  { id: 'scenario', label: 'Scenario' },
  { id: 'retries', label: 'Retries' },
  { id: 'server', label: 'Server protection' },
  { id: 'regions', label: 'Regions and failover' },
  { id: 'recovery', label: 'Recovery' },
];

export interface ControlsHandle {
  update(params: Record<string, ParamValue>): void;
}

/** The value each switch was last on at, in this page (kept across models and runs). */
const lastUsed = new Map<string, number>();

/** What a switch turns on at: the value last used here, else the registry's, else the default or minimum. */
export function switchOnValue(def: ParamDef, capacityRps: () => number | undefined): number {
  const last = lastUsed.get(def.id);
  if (last !== undefined) return last;
  const on = def.onValue;
  if (typeof on === 'number') return on;
  const capacity = on ? capacityRps() : undefined;
  if (on && capacity !== undefined && capacity > 0) return Math.min(sliderMax(def), Math.max(def.min!, Math.round(capacity * on.capacityS)));
  return typeof def.default === 'number' ? def.default : def.min!;
}

/**
 * `describe`: 'line' gives the descriptions a fixed line above the rows (the settings panel);
 * 'tooltip' only a tooltip (a few settings on the stage of an embed, where every line counts).
 */
export function renderControls(
  root: HTMLElement,
  defs: readonly ParamDef[],
  onChange: (id: string, value: ParamValue) => void,
  capacityRps: () => number | undefined = () => undefined,
  describe: 'line' | 'tooltip' = 'line',
): ControlsHandle {
  root.replaceChildren();
  const line = el('p', 'desc-line');
  line.setAttribute('aria-hidden', 'true');
  if (describe === 'line') root.append(line);
  const inputs = new Map<string, { def: ParamDef; set: (v: ParamValue) => void }>();
  for (const g of GROUPS) {
    const members = defs.filter((d) => d.group === g.id);
    if (members.length === 0) continue;
    const fs = el('fieldset', 'group');
    fs.append(el('legend', '', g.label));
    for (const def of members) {
      const row = el('div', 'control');
      const explain = () => (line.textContent = `${def.label}: ${def.description}`);
      row.addEventListener('pointerenter', explain);
      row.addEventListener('focusin', explain);
      const id = `param-${def.id.replace(/\W/g, '-')}`;
      const label = el('label', '', def.label);
      label.htmlFor = id;
      const desc = el('p', 'desc', def.description);
      desc.id = `${id}-desc`;
      const value = el('output', 'value');
      value.htmlFor.add(id);
      let set: (v: ParamValue) => void;
      if (def.kind === 'enum') {
        const select = el('select');
        select.id = id;
        for (const o of def.options!) select.append(new Option(o, o));
        select.addEventListener('change', () => onChange(def.id, select.value));
        set = (v) => {
          select.value = String(v);
          value.textContent = '';
        };
        row.append(label, select, value);
        bind(select, desc);
      } else {
        const range = el('input');
        range.type = 'range';
        range.id = id;
        range.min = String(def.min);
        range.max = String(sliderMax(def));
        range.step = String(def.step ?? 1);
        let on: HTMLInputElement | null = null;
        const emit = () => onChange(def.id, on && !on.checked ? 'off' : Number(range.value));
        range.addEventListener('input', emit);
        row.append(label);
        if (def.off) {
          on = el('input');
          on.type = 'checkbox';
          on.setAttribute('role', 'switch');
          on.className = 'switch';
          on.id = `${id}-on`;
          on.setAttribute('aria-label', `${def.label}: on or off`);
          on.addEventListener('change', () => {
            if (on!.checked) range.value = String(switchOnValue(def, capacityRps));
            emit();
          });
          row.classList.add('switchable');
          row.append(on);
        }
        row.append(range, value);
        set = (v) => {
          const isOff = v === 'off';
          if (on) on.checked = !isOff;
          // Hidden but in place: switching it on or off moves nothing below.
          range.style.visibility = isOff ? 'hidden' : '';
          range.disabled = isOff;
          row.classList.toggle('is-off', isOff);
          if (!isOff) {
            range.value = String(v);
            if (def.off) lastUsed.set(def.id, Number(v));
          }
          value.textContent = isOff ? 'off' : `${formatValue(v)}${def.unit ? ` ${def.unit}` : ''}`;
        };
        bind(range, desc);
      }
      const reset = el('button', 'reset', '↺');
      reset.type = 'button';
      reset.title = `Reset ${def.label} to ${formatValue(def.default)}`;
      reset.setAttribute('aria-label', reset.title);
      reset.addEventListener('click', () => onChange(def.id, def.default));
      row.append(reset, desc);
      fs.append(row);
      inputs.set(def.id, { def, set });
    }
    root.append(fs);
  }
  return {
    update(params) {
      for (const [id, { set }] of inputs) if (params[id] !== undefined) set(params[id]);
    },
  };
}

/** Sliders for huge ranges (queue limits) stop at a useful maximum. */
function sliderMax(def: ParamDef): number {
  return def.max! > 1e6 ? 1e6 : def.max!;
}

function bind(input: HTMLElement, desc: HTMLElement): void {
  input.setAttribute('aria-describedby', desc.id);
  input.title = desc.textContent ?? '';
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
