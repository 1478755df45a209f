/**
 * The page's panels, named once: what a link's `hide=` and a chapter's `hide` can take away, and
 * what the bar's buttons open. The stage's views (story caption, map, graph, charts, timeline) and
 * the side panels (what-ifs, operator's seat, scoreboard, settings, charts, sharing, comparison)
 * each carry `data-panel="<name>"`; a view added later joins by carrying its name here and there.
 */

export const PANELS = ['story', 'whatifs', 'operator', 'scoreboard', 'settings', 'charts', 'timeline', 'map', 'graph', 'share', 'compare', 'checks'] as const;
export type PanelName = (typeof PANELS)[number];

/** Other names links may use for a panel ("controls" was the settings' name in earlier links). */
export const PANEL_ALIASES: Readonly<Record<string, PanelName>> = { controls: 'settings' };

/** The panel a name in a link or chapter stands for, or null. */
export function panelNamed(name: string): PanelName | null {
  if ((PANELS as readonly string[]).includes(name)) return name as PanelName;
  return Object.hasOwn(PANEL_ALIASES, name) ? PANEL_ALIASES[name] : null;
}

/** What is hidden, and why: by the link (for the whole visit) or by the chapter on screen. */
const hidden = { link: new Set<PanelName>(), chapter: new Set<PanelName>() };

function apply(): void {
  const root = document.documentElement;
  for (const el of document.querySelectorAll<HTMLElement>('[data-panel]')) {
    const name = el.dataset.panel as PanelName;
    el.classList.toggle('is-hidden', hidden.link.has(name) || hidden.chapter.has(name));
  }
  for (const b of document.querySelectorAll<HTMLElement>('[data-open]')) {
    const name = b.dataset.open as PanelName;
    b.classList.toggle('is-hidden', hidden.link.has(name) || hidden.chapter.has(name));
  }
  // Kept as classes too, for styles and hosts that look for them.
  for (const cls of [...root.classList]) if (cls.startsWith('hide-') || cls.startsWith('chapter-hide-')) root.classList.remove(cls);
  for (const p of hidden.link) root.classList.add(`hide-${p}`);
  for (const p of hidden.chapter) root.classList.add(`chapter-hide-${p}`);
}

export function hideForLink(parts: Iterable<string>): void {
  hidden.link = new Set([...parts].map(panelNamed).filter((p): p is PanelName => p !== null));
  apply();
}

export function hideForChapter(parts: Iterable<string>): void {
  hidden.chapter = new Set([...parts].map(panelNamed).filter((p): p is PanelName => p !== null));
  apply();
}

/** Applies the hidden parts again (after views were rebuilt). */
export function reapplyHidden(): void {
  apply();
}

/**
 * Opens the side panels at `name`: on wide windows they are always beside the stage and this
 * scrolls to it; on narrower ones they are a drawer that this opens. Focus moves into the panel.
 */
export function openPanel(name: PanelName): void {
  const root = document.documentElement;
  const target = document.querySelector<HTMLElement>(`.side [data-panel="${name}"]`);
  if (!target) return;
  root.classList.add('side-open');
  root.classList.remove('side-closed');
  for (const b of document.querySelectorAll<HTMLElement>('[data-open]')) b.setAttribute('aria-expanded', String(b.dataset.open === name));
  target.scrollIntoView({ block: 'start', behavior: 'instant' as ScrollBehavior });
  const focusable = target.querySelector<HTMLElement>('button:not([disabled]), select, input, [tabindex="0"]');
  focusable?.focus({ preventScroll: true });
}

export function closePanels(): void {
  const root = document.documentElement;
  root.classList.remove('side-open');
  for (const b of document.querySelectorAll<HTMLElement>('[data-open]')) b.setAttribute('aria-expanded', 'false');
  // Focus goes back to the page (the stage), where the keys are the page's again.
  document.getElementById('stage')?.focus({ preventScroll: true });
}

/** Wires the bar's panel buttons and the drawer's close button (and Escape). */
export function wirePanels(): void {
  for (const b of document.querySelectorAll<HTMLElement>('[data-open]')) {
    b.setAttribute('aria-expanded', 'false');
    b.addEventListener('click', () => {
      const open = document.documentElement.classList.contains('side-open') && b.getAttribute('aria-expanded') === 'true';
      if (open && !matchMedia('(min-width: 1360px)').matches) closePanels();
      else openPanel(b.dataset.open as PanelName);
    });
  }
  document.getElementById('side-close')?.addEventListener('click', closePanels);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.documentElement.classList.contains('side-open') && !document.querySelector('dialog[open]')) closePanels();
  });
}
