/**
 * The one place the page reads a run's score: rows for the scoreboard, in the model's own words
 * (its judged service, its services' families). The comparison table reads the same fields.
 */
import type { FamilyScore, Score } from '../engine/score.ts';
import type { ModelInfo } from '../worker/protocol.ts';
import { formatRate, formatTime } from './format.ts';

export interface ScoreRow {
  key: string;
  label: string;
  /** The value, in words, for a score. */
  text: (s: Score) => string;
}

/** The service the lab judges (the model's focus, else its front door, else the first). */
export function judged(model: ModelInfo): ModelInfo['services'][number] {
  const id = model.focus?.service;
  return model.services.find((s) => s.id === id) ?? model.services.find((s) => s.door) ?? model.services[0];
}

export function scoreRows(model: ModelInfo, sample: Score): ScoreRow[] {
  const at = (t: number) => formatTime(t, model.clockStart);
  const door = judged(model);
  const rows: ScoreRow[] = [
    {
      key: 'door',
      label: door.label,
      text: (s) =>
        s.troubleAt === null
          ? 'no trouble so far'
          : s.recoveredAt !== null
            ? `in trouble from ${at(s.troubleAt)}, out of trouble ${at(s.recoveredAt)} (${Math.round((s.recoveredAt - s.troubleAt) / 60)} min)`
            : `in trouble since ${at(s.troubleAt)}, still in trouble`,
    },
    { key: 'amp', label: 'Peak amplification', text: (s) => `${s.peakAmplification.toFixed(1)}× (attempts ÷ first tries over a minute, worst region)` },
    { key: 'wasted', label: 'Wasted work', text: (s) => `${formatRate(s.wasted)} requests served after their caller gave up` },
  ];
  // Every other family the model reports (VM operations, bystanders…), as the score names them.
  for (const f of sample.families) {
    if (f.service === door.id) continue;
    rows.push({
      key: `family:${f.service}`,
      label: f.label,
      text: (s) => {
        const g = s.families.find((x) => x.service === f.service);
        if (!g) return 'no trouble so far';
        const where = model.regions.length > 1 ? ' (all regions)' : '';
        const trouble = g.troubleAt === null ? 'no trouble so far' : `${Math.round(g.minutes)} min in trouble${where}${g.stuck ? ', still in trouble' : ''} · ${formatRate(g.failed)} calls failed`;
        return g.asked > 0 ? `${trouble} · ${ledgerText(g)}` : trouble;
      },
    });
  }
  const label = (id: string) => {
    const [r, sv] = id.split('/');
    const service = model.services.find((x) => x.id === sv)?.label ?? sv;
    return model.regions.length > 1 ? `${model.regions.find((x) => x.id === r)?.label ?? r} ${service}` : service;
  };
  rows.push({
    key: 'minutes',
    label: 'Minutes in trouble',
    text: (s) => {
      const worst = Object.entries(s.outageMinutes)
        .filter(([, m]) => m > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4);
      return worst.length ? worst.map(([id, m]) => `${label(id)} ${Math.round(m)}`).join(' · ') : 'none';
    },
  });
  return rows;
}

/** The ledger of a family's work items: every item asked for is completed, abandoned or pending. */
export function ledgerText(f: Pick<FamilyScore, 'asked' | 'completed' | 'abandoned' | 'pending'>): string {
  return `asked ${formatRate(f.asked)}: ${formatRate(f.completed)} completed, ${formatRate(f.abandoned)} abandoned, ${formatRate(f.pending)} pending`;
}

/** Minutes a service was in trouble in one region. */
export function outageMinutes(s: Score, region: string, service: string): number {
  return s.outageMinutes[`${region}/${service}`] ?? 0;
}
