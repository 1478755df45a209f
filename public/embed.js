/*
 * Cascade Lab embed helper. On any page that allows a script tag:
 *
 *   <script src="https://example.org/cascade-lab/embed.js" defer></script>
 *   <cascade-lab model="azure-2026-02" params="retry.attempts=0" height="600"></cascade-lab>
 *
 * renders the lab in an iframe (sandboxed: scripts only) next to this script, and sizes plain
 * iframes of the lab too: an iframe whose src is under the lab's own address (where this script
 * came from) and contains "embed=1" grows to the height the lab posts. A message is accepted only
 * from such a frame, only in the expected shape, and the height is kept within a sane range.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL('./', (script && script.src) || location.href);
  var TYPE = 'cascade-lab:height';
  var MIN_HEIGHT = 100;
  var MAX_HEIGHT = 10000;

  function clampHeight(h, fallback) {
    return h > 0 ? Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(h))) : fallback;
  }

  /** Whether a frame shows the lab: its address is under the lab's own, and it is embedded. */
  function isLab(frame) {
    var src;
    try {
      src = new URL(frame.getAttribute('src') || '', location.href);
    } catch (err) {
      return false;
    }
    // The last value of a key counts, as the lab reads its links.
    return src.origin === base.origin && src.pathname.indexOf(base.pathname) === 0 && src.searchParams.getAll('embed').pop() === '1';
  }

  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!d || typeof d !== 'object' || d.type !== TYPE || typeof d.height !== 'number') return;
    if (!(d.height > 0 && isFinite(d.height))) return;
    var frames = document.querySelectorAll('iframe');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source && isLab(frames[i])) {
        frames[i].style.height = clampHeight(d.height, MIN_HEIGHT) + 'px';
      }
    }
  });

  if (!window.customElements || customElements.get('cascade-lab')) return;
  customElements.define(
    'cascade-lab',
    class extends HTMLElement {
      static get observedAttributes() {
        return ['model', 'params', 'height', 'hide'];
      }
      connectedCallback() {
        this.render();
      }
      attributeChangedCallback() {
        if (this.isConnected) this.render();
      }
      render() {
        var q = new URLSearchParams(this.getAttribute('params') || '');
        q.set('model', this.getAttribute('model') || 'azure-2026-02');
        q.set('embed', '1');
        if (this.getAttribute('hide')) q.set('hide', this.getAttribute('hide'));
        var frame = document.createElement('iframe');
        frame.src = new URL('./?' + q.toString(), base).href;
        frame.title = 'Cascade Lab';
        frame.setAttribute('sandbox', 'allow-scripts allow-popups');
        frame.setAttribute('loading', 'lazy');
        frame.style.width = '100%';
        frame.style.border = '0';
        frame.style.height = clampHeight(parseInt(this.getAttribute('height') || '', 10), 720) + 'px';
        this.replaceChildren(frame);
      }
    },
  );
})();
