/**
 * "Paste a client config": a button beside the client-policy presets that opens a small form — a
 * box for the config's text, which of its method configs, routes, sections or AWS profiles to read,
 * Read — then each setting it maps to and each note, and two ways to use them: apply them to this
 * run, or compare them as run B. The page supplies the reading and the two actions; the form is
 * built once and kept when the panels are built again, so nothing typed in it is ever lost.
 */

/** What reading a paste gave: the settings and notes to show and what each button does, or one notice. */
export type PasteReading =
  | {
      ok: true;
      /** What was read, for whom: "Read as gRPC service config (helloworld.Greeter), for …". */
      heading: string;
      /** Each setting it maps to: [label, value]. */
      settings: readonly (readonly [string, string])[];
      notes: readonly string[];
      /** Each returns what to say once it is done. */
      apply(): string;
      compare(): string;
    }
  | { ok: false; notice: string };

export interface PasteHandlers {
  read(text: string, which: string): PasteReading;
}

export interface PasteView {
  /** The button and its form, to be placed beside the presets. */
  readonly element: HTMLElement;
  /** Reads the text again, if something was read (the model changed: its step and ranges may differ). */
  refresh(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderPasteConfig(on: PasteHandlers): PasteView {
  const element = el('div', 'paste-config');
  const toggle = el('button', 'paste-toggle', 'Paste a client config');
  toggle.type = 'button';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', 'paste-form');
  toggle.title = "Read a real client's retry configuration (gRPC, Envoy, Polly, AWS, Azure.Core) as the lab's settings";
  const form = el('form', 'paste-form');
  form.id = 'paste-form';
  form.hidden = true;
  form.setAttribute('aria-label', 'Paste a client config');
  form.noValidate = true;

  const textLabel = el('label', 'paste-label', 'Client config (at most 64 KB): a gRPC service config, an Envoy retry policy, Polly v8 or Azure.Core settings (JSON or YAML), or an AWS shared config (INI)');
  textLabel.htmlFor = 'paste-text';
  const text = el('textarea', 'paste-text');
  text.id = 'paste-text';
  text.rows = 6;
  text.spellcheck = false;
  text.autocomplete = 'off';
  text.setAttribute('autocapitalize', 'off');
  const whichLabel = el('label', 'paste-which', 'Which one (optional) ');
  const which = el('input');
  which.type = 'text';
  which.id = 'paste-name';
  which.autocomplete = 'off';
  which.placeholder = 'method config, route, section or AWS profile';
  whichLabel.append(which);
  const read = el('button', 'paste-read', 'Read');
  read.type = 'submit';
  const row = el('div', 'paste-row');
  row.append(whichLabel, read);
  const notice = el('p', 'paste-notice');
  notice.setAttribute('role', 'status');

  const result = el('div', 'paste-result');
  result.hidden = true;
  const heading = el('p', 'paste-heading');
  const settings = el('dl', 'paste-settings');
  settings.setAttribute('aria-label', 'Settings it maps to');
  const notesTitle = el('p', 'paste-notes-title', 'Notes');
  const notes = el('ul', 'paste-notes');
  notes.setAttribute('aria-label', 'Notes');
  const apply = el('button', '', 'Apply to this run');
  apply.type = 'button';
  apply.title = 'Run this run again with these settings, to the moment it is at (a what-if: its chip takes them off again)';
  const compare = el('button', '', 'Compare as run B');
  compare.type = 'button';
  compare.title = 'Run B: this run with these settings, side by side on the same clock';
  const actions = el('div', 'paste-actions');
  actions.append(apply, compare);
  // The buttons right under the settings they use; the notes, often long, after them.
  result.append(heading, settings, actions, notesTitle, notes);
  form.append(textLabel, text, row, notice, result);
  element.append(toggle, form);

  let reading: PasteReading | null = null;
  const show = (r: PasteReading) => {
    reading = r.ok ? r : null;
    result.hidden = !r.ok;
    if (!r.ok) {
      notice.textContent = r.notice;
      return;
    }
    notice.textContent = '';
    heading.textContent = r.heading;
    settings.replaceChildren(...r.settings.flatMap(([label, value]) => [el('dt', '', label), el('dd', '', value)]));
    notes.replaceChildren(...r.notes.map((n) => el('li', '', n)));
    notesTitle.hidden = notes.hidden = r.notes.length === 0;
  };
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) text.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    show(on.read(text.value, which.value));
  });
  // What the buttons use is what is shown: a change to the text takes it away until it is read again.
  const changed = () => {
    if (!reading) return;
    reading = null;
    result.hidden = true;
    notice.textContent = 'Changed: Read it again to see its settings.';
  };
  text.addEventListener('input', changed);
  which.addEventListener('input', changed);
  apply.addEventListener('click', () => reading?.ok && (notice.textContent = reading.apply()));
  compare.addEventListener('click', () => reading?.ok && (notice.textContent = reading.compare()));
  return {
    element,
    refresh() {
      if (reading) show(on.read(text.value, which.value));
    },
  };
}
