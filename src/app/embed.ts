/**
 * Living inside someone else's page: embed mode and hidden parts from the link, an "open the full
 * lab" link, the content height posted to the parent so it can size the iframe, and pausing while
 * the lab is out of view or the tab is hidden.
 */
import type { PageOptions } from './url.ts';

export const HEIGHT_MESSAGE = 'cascade-lab:height';

/** Applies the page options; returns a function telling whether the lab is on screen now. */
export function watchEmbedding(page: PageOptions, fullLink: () => string): () => boolean {
  const root = document.documentElement;
  root.classList.toggle('embed', page.embed);
  for (const part of page.hide) root.classList.add(`hide-${part}`);
  const open = document.getElementById('open-full') as HTMLAnchorElement | null;
  if (open) {
    open.hidden = !page.embed;
    const refresh = () => (open.href = fullLink());
    open.addEventListener('pointerenter', refresh);
    open.addEventListener('focus', refresh);
    refresh();
  }

  const framed = window.parent !== window;
  if (framed && typeof ResizeObserver !== 'undefined') {
    let last = 0;
    new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      // The parent may be any origin: the message carries nothing but a height.
      window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
    }).observe(document.body);
  }

  let inView = true;
  if (typeof IntersectionObserver !== 'undefined') {
    new IntersectionObserver((entries) => (inView = entries.some((e) => e.isIntersecting))).observe(document.body);
  }
  return () => inView && document.visibilityState !== 'hidden';
}
