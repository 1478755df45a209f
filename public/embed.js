/*
 * Cascade Lab embed helper. On any page that allows a script tag:
 *
 *   <script src="https://example.org/cascade-lab/embed.js" defer></script>
 *   <cascade-lab model="azure-2026-02" params="retry.attempts=0" height="600"></cascade-lab>
 *
 * renders the lab in an iframe (sandboxed: scripts only) next to this script, and sizes plain
 * iframes of the lab too: an iframe whose src contains "embed=1" grows to the height the lab
 * posts. Messages are accepted only from the lab's own iframes and only in the expected shape.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL('./', (script && script.src) || location.href);
  var TYPE = 'cascade-lab:height';

  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!d || typeof d !== 'object' || d.type !== TYPE || typeof d.height !== 'number') return;
    if (!(d.height > 0 && d.height < 20000)) return;
    var frames = document.querySelectorAll('iframe');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source && /[?&]embed=1/.test(frames[i].src)) {
        frames[i].style.height = Math.ceil(d.height) + 'px';
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
        frame.style.height = (parseInt(this.getAttribute('height') || '', 10) || 720) + 'px';
        this.replaceChildren(frame);
      }
    },
  );
})();
