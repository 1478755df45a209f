/**
 * The views of a model, built when it loads: the map, the graph and its particles, the charts with
 * their export buttons, the timeline, the controls, and the teaching panels. Their inputs write to
 * the store or ask the session; they are drawn by draw.ts.
 */
import { policiesFor } from '../params/presets.ts';
import type { Action } from '../engine/model.ts';
import type { ModelInfo } from '../worker/protocol.ts';
import { renderChart } from '../view/chart.ts';
import { renderControls } from '../view/controls.ts';
import { renderGraph } from '../view/graph.ts';
import { renderParticles } from '../view/particles.ts';
import { renderRegions } from '../view/regions.ts';
import { renderTimeline } from '../view/timeline.ts';
import { renderOperator, renderScoreboard, renderStory, renderWhatIfs } from '../view/teach.ts';
import { startCompare } from './comparing.ts';
import { exportChart } from './files.ts';
import { $, type Lab } from './lab.ts';
import type { Session } from './session.ts';
import { speedLabel, speedsFor } from './store.ts';
import { applyWhatIf, asItHappened, chapterHides, goToChapter } from './teaching.ts';

export function buildViews(lab: Lab, session: Session, model: ModelInfo): void {
  const { store } = lab;
  const speeds = speedsFor(model.durationS);
  const speed = $<HTMLSelectElement>('speed');
  speed.replaceChildren(...speeds.map((v) => new Option(speedLabel(v), String(v))));
  speed.value = String(speeds[2]);
  store.setState({ speed: speeds[2] });
  $('model-title').textContent = model.title;
  $('model-description').textContent = model.description;
  const door = model.services.find((s) => s.door);
  const graph = renderGraph($('graph'), model, (service) => store.setState({ service }));
  const legend = document.createElement('p');
  legend.className = 'particle-legend';
  legend.innerHTML = '<span class="dot first"></span> first tries <span class="dot retry"></span> retries <span class="dot hollow"></span> mostly failing';
  $('graph').append(legend);
  lab.views = {
    regions: renderRegions($('regions'), model, (region) => store.setState({ region })),
    graph,
    particles: renderParticles($('graph'), model, graph),
    node: renderChart($('chart-node'), 'Selected service', model.durationS, model.clockStart),
    doors: renderChart($('chart-doors'), `${door?.label ?? 'Protected service'}: offered load in every region`, model.durationS, model.clockStart),
    amp: renderChart($('chart-amp'), 'Amplification: offered ÷ new demand', model.durationS, model.clockStart, '×'),
    timeline: renderTimeline($('timeline'), model, (t) => session.seekTo(t)),
    controls: renderControls($('controls'), model.params, (id, value) => session.setParam(id, value)),
  };
  lab.views.controls.update(store.getState().params);
  for (const [id, name] of [['chart-node', 'service'], ['chart-doors', 'regions'], ['chart-amp', 'amplification']] as const) {
    const bar = document.createElement('div');
    bar.className = 'chart-export';
    for (const kind of ['svg', 'png'] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind.toUpperCase();
      b.setAttribute('aria-label', `Download this chart as ${kind.toUpperCase()}`);
      b.addEventListener('click', () => void exportChart(store, $(id), `${model.id}-${name}`, kind));
      bar.append(b);
    }
    $(id).append(bar);
  }
  lab.teach = {
    score: renderScoreboard($('scoreboard'), model),
    verdict: renderWhatIfs($('whatif'), model, policiesFor(model.params), {
      apply: (label, params) => applyWhatIf(lab, session, label, params),
      asItHappened: () => asItHappened(lab, session),
      compare: (label, params, key) => startCompare(lab, label, params, key),
    }),
    chapter: renderStory($('chapters'), model, { go: (index) => goToChapter(lab, session, index) }),
  };
  renderOperator($('operator'), model, () => store.getState().region, {
    act: (action) => session.send({ type: 'act', action: action as unknown as Action }),
    undo: () => session.send({ type: 'undo' }),
    service: () => store.getState().service,
  });
  const chapter = lab.story.chapter;
  lab.teach.chapter(chapter);
  chapterHides(model.story[chapter]?.hide ?? []);
  lab.teach.verdict(lab.story.verdictText);
  if (chapter >= 0) lab.story.highlight = new Set(model.story[chapter]?.highlight ?? []);
  const span = $<HTMLSelectElement>('gif-span');
  const spans = model.durationS > 3 * 3600 ? [3600, 3 * 3600, 6 * 3600] : [120, 300, 600];
  span.replaceChildren(...spans.map((v) => new Option(`next ${v >= 3600 ? v / 3600 + ' h' : v / 60 + ' min'}`, String(v))), new Option('to the end', String(model.durationS)));
}
