/**
 * A form drawn again from its data, put on screen in place of the one shown: kept, with only its
 * fields' values written, when nothing else differs (no new layout; focus and scroll untouched).
 */

/**
 * Puts `next` (the form drawn again, off the page) in `form`. Where it differs from the form shown
 * only in its fields' values (an edit of a value, not of what the data is made of), the values
 * are written into the fields shown and the form stays; otherwise `next` replaces it. A kept
 * control outlives the data it was drawn from, so a control must find what it edits when it acts
 * (by its place), never remember it. The field being typed in (`typing`) keeps what is typed. A
 * box drawn by a view of its own (`data-drawn`) is left to that view.
 */
export function showForm(form: HTMLElement, next: HTMLElement[], typing: HTMLInputElement | null): void {
  const same = form.children.length === next.length && next.every((n, k) => sameButValues(form.children[k], n));
  if (!same) {
    form.replaceChildren(...next);
    return;
  }
  // The same fields in the same order: each takes the value drawn for it.
  const fieldsIn = (n: Element) => [...n.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')].filter((e) => !e.closest('[data-drawn]'));
  const drawn = next.flatMap(fieldsIn);
  fieldsIn(form).forEach((shown, k) => {
    const d = drawn[k];
    if (shown === typing) return;
    if (shown instanceof HTMLInputElement && d instanceof HTMLInputElement) {
      if (shown.defaultValue !== d.defaultValue) shown.defaultValue = d.defaultValue;
      if (shown.checked !== d.checked) shown.checked = d.checked;
    }
    if (shown.value !== d.value) shown.value = d.value;
  });
}

/** Whether `a` and `b` are the same tree apart from their inputs' values (most of a form is exactly the same: asked first). */
function sameButValues(a: Node, b: Node): boolean {
  // A box a view of its own draws (the regions' map) is compared by that view.
  if (a instanceof HTMLElement && b instanceof HTMLElement && a.dataset.drawn !== undefined && a.dataset.drawn === b.dataset.drawn) return true;
  if (a.isEqualNode(b)) return true;
  if (!(a instanceof Element) || !(b instanceof Element) || a.tagName !== b.tagName || a.attributes.length !== b.attributes.length || a.childNodes.length !== b.childNodes.length) return false;
  // An input's value attribute is its default value (a value); an option's is what it stands for.
  for (const { name, value } of a.attributes) if (b.getAttribute(name) !== value && !(name === 'value' && a instanceof HTMLInputElement)) return false;
  for (let k = 0; k < a.childNodes.length; k++) if (!sameButValues(a.childNodes[k], b.childNodes[k])) return false;
  return true;
}
