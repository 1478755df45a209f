/**
 * Envoy's route `retry_policy` (v3 API, YAML or JSON), alone or anywhere inside a route, virtual
 * host, listener or bootstrap config, and a cluster's `circuit_breakers.thresholds[].retry_budget`.
 */
import { ConfigError, get, hasAny, isObject, keyOf, norm, number, otherNames, protoDuration, seconds, shown, whole, type ConfigRead, type Mapped, type ReadOptions, type Tree } from './read.ts';

/** Fields only an Envoy retry policy has: how a `retry_policy` (or a lone one) is told apart. */
const POLICY_KEYS = ['num_retries', 'retry_on', 'per_try_timeout', 'retry_back_off', 'retriable_status_codes', 'retry_host_predicate', 'per_try_idle_timeout'];
/** Envoy's defaults (router filter docs): 25 ms base, a cap of ten times the base. */
const DEFAULT_BASE_S = 0.025;
const LEFT_OUT = ['retry_host_predicate', 'host_selection_retry_max_attempts', 'retry_priority', 'rate_limited_retry_back_off', 'retriable_headers', 'retriable_request_headers', 'retry_options_predicates', 'per_try_idle_timeout'];
/** Deeper than this, a file is not an Envoy config anyone wrote. */
const MAX_DEPTH = 64;

interface Found {
  obj: Tree;
  /** Enclosing objects, outermost first. */
  ancestors: Tree[];
}

/** Every object under a key that normalises to `key`, with its ancestors. */
function findAll(doc: Tree, key: string): Found[] {
  const out: Found[] = [];
  const want = norm(key);
  const walk = (node: unknown, ancestors: Tree[]) => {
    if (ancestors.length > MAX_DEPTH) throw new ConfigError(`nested deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(node)) return node.forEach((n) => walk(n, ancestors));
    if (!isObject(node)) return;
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (norm(k) === want && isObject(v)) out.push({ obj: v, ancestors: [...ancestors, node] });
      else walk(v, [...ancestors, node]);
    }
  };
  walk(doc, []);
  return out;
}

const nameOf = (f: Found) => [...f.ancestors].reverse().map((a) => get(a, 'name')).find((n): n is string => typeof n === 'string');

const isPolicy = (o: Tree) => hasAny(o, POLICY_KEYS);

export function isEnvoy(doc: Tree): boolean {
  return isPolicy(doc) || findAll(doc, 'retry_policy').some((f) => isPolicy(f.obj)) || findAll(doc, 'retry_budget').length > 0;
}

/** Names that tell the found items apart: their own name, made unique with "#n" where needed. */
function labels(found: Found[]): string[] {
  const names = found.map(nameOf);
  return names.map((n, i) => (n !== undefined && names.filter((m) => m === n).length === 1 ? n : `${n ?? ''}#${i + 1}`));
}

export function readEnvoy(doc: Tree, options: ReadOptions): ConfigRead {
  const policies: Found[] = isPolicy(doc) ? [{ obj: doc, ancestors: [] }] : findAll(doc, 'retry_policy').filter((f) => isPolicy(f.obj));
  const budgets = findAll(doc, 'retry_budget');
  const notes: string[] = [];
  const settings: Mapped[] = [];
  let name: string | null = null;
  let cluster: string | undefined;

  if (policies.length > 0) {
    const names = labels(policies);
    let i = 0;
    if (options.name !== undefined) {
      i = names.findIndex((n) => n.toLowerCase() === options.name!.toLowerCase());
      if (i < 0) throw new ConfigError(`no route named ${shown(options.name)}; the file's retry policies are on ${names.join(', ')}`);
    } else notes.push(...otherNames(names.slice(1), 'retry policies, on'));
    name = policies.length > 1 || nameOf(policies[0]) !== undefined ? names[i] : null;
    const { obj: policy, ancestors } = policies[i];
    const action = ancestors[ancestors.length - 1];
    const target = action && get(action, 'cluster');
    if (typeof target === 'string') cluster = target;

    const n = get(policy, 'num_retries');
    settings.push({ id: 'retry.attempts', value: n === undefined ? 1 : whole(n, 'num_retries', 0), field: 'num_retries', given: n === undefined ? 'absent' : undefined });
    const backOff = get(policy, 'retry_back_off');
    let base = DEFAULT_BASE_S;
    let max = 10 * DEFAULT_BASE_S;
    if (backOff !== undefined) {
      if (!isObject(backOff)) throw new ConfigError('retry_back_off is not an object');
      const rawBase = get(backOff, 'base_interval');
      if (rawBase === undefined) throw new ConfigError('retry_back_off.base_interval is required');
      base = protoDuration(rawBase, 'retry_back_off.base_interval');
      if (!(base > 0)) throw new ConfigError('retry_back_off.base_interval must be more than 0 s');
      const rawMax = get(backOff, 'max_interval');
      max = rawMax === undefined ? 10 * base : protoDuration(rawMax, 'retry_back_off.max_interval');
      if (max < base) throw new ConfigError(`retry_back_off.max_interval ${seconds(max)} is less than base_interval ${seconds(base)}`);
      settings.push({ id: 'retry.baseDelay', value: base, field: 'retry_back_off.base_interval', given: shown(rawBase) });
      settings.push({ id: 'retry.maxDelay', value: max, field: 'retry_back_off.max_interval', given: rawMax === undefined ? 'absent' : shown(rawMax) });
    } else {
      settings.push({ id: 'retry.baseDelay', value: base, field: 'retry_back_off', given: 'absent' });
      settings.push({ id: 'retry.maxDelay', value: max, field: 'retry_back_off', given: 'absent' });
    }
    settings.push({ id: 'retry.jitter', value: 'full', field: 'Envoy’s fully jittered back-off' });
    notes.push('Envoy draws the n-th back-off from [0, (2ⁿ − 1) × base]; the lab’s full jitter from [0, 2ⁿ⁻¹ × base], a little shorter from the second retry on');
    const retryOn = get(policy, 'retry_on');
    const codes = get(policy, 'retriable_status_codes');
    if (retryOn !== undefined || codes !== undefined) {
      const what = [retryOn !== undefined ? `retry_on ${shown(retryOn)}` : '', Array.isArray(codes) ? `retriable_status_codes ${codes.map(String).join(', ')}` : ''].filter(Boolean).join(', ');
      notes.push(`${what}: the lab retries every failure`);
    }
    const left = LEFT_OUT.map((k) => keyOf(policy, k)).filter((k): k is string => k !== undefined);
    if (left.length) notes.push(`${left.join(', ')} left out: the lab has one pool of servers per service`);
    const perTry = get(policy, 'per_try_timeout');
    const routeTimeout = action && action !== policy ? get(action, 'timeout') : undefined;
    if (perTry !== undefined) {
      const s = protoDuration(perTry, 'per_try_timeout');
      if (!(s > 0)) throw new ConfigError('per_try_timeout must be more than 0 s');
      settings.push({ id: 'timeout', value: s, field: 'per_try_timeout', given: shown(perTry) });
      if (routeTimeout !== undefined) notes.push(`route timeout ${shown(routeTimeout)}, over all tries, left out: the lab times each try on its own`);
    } else if (routeTimeout !== undefined) {
      const s = protoDuration(routeTimeout, 'timeout');
      if (s > 0) {
        settings.push({ id: 'timeout', value: s, field: 'route timeout', given: shown(routeTimeout) });
        notes.push(`route timeout ${seconds(s)} bounds all tries together: the lab gives each try ${seconds(s)}`);
      } else notes.push("route timeout 0s (none) and no per_try_timeout: the model's own client timeout applies");
    } else notes.push("no per_try_timeout: the model's own client timeout applies (Envoy's route timeout, 15 s unless set, bounds all tries together)");
  } else notes.push('no route retry_policy in the file: only the cluster’s retry budget is mapped');

  if (budgets.length === 0) {
    settings.push({ id: 'retry.budget', value: 'off', field: 'retry_budget', given: 'absent' });
    notes.push('no cluster retry_budget: no retry budget (Envoy still caps a cluster’s concurrent retries at max_retries, 3 unless set; left out)');
  } else {
    const clusters = labels(budgets);
    let j = cluster === undefined ? -1 : budgets.findIndex((b) => nameOf(b) === cluster);
    if (j < 0 && policies.length === 0 && options.name !== undefined) {
      j = clusters.findIndex((c) => c.toLowerCase() === options.name!.toLowerCase());
      if (j < 0) throw new ConfigError(`no cluster named ${shown(options.name)}; the file's retry budgets are on ${clusters.join(', ')}`);
    }
    if (j < 0) {
      j = 0;
      if (budgets.length > 1) notes.push(`retry budgets on clusters ${clusters.join(', ')}: ${clusters[0]}’s used`);
    }
    if (policies.length === 0 && budgets.length > 1) name = clusters[j];
    const budget = budgets[j].obj;
    const pctRaw = get(budget, 'budget_percent');
    const pctValue = pctRaw === undefined ? undefined : isObject(pctRaw) ? get(pctRaw, 'value') : pctRaw;
    const pct = pctValue === undefined ? 20 : number(pctValue, 'retry_budget.budget_percent');
    settings.push({ id: 'retry.budget', value: pct, field: 'retry_budget.budget_percent', given: pctValue === undefined ? 'absent' : undefined });
    const minConc = get(budget, 'min_retry_concurrency');
    notes.push(
      `retry_budget.budget_percent counts retries against a cluster's active requests; the lab's budget against first tries over about 10 s. min_retry_concurrency ${minConc === undefined ? '3 (the default)' : shown(minConc)} left out`,
    );
  }
  if (policies.length > 0) {
    settings.push({ id: 'throttle.k', value: 'off', field: 'Envoy has no adaptive throttling' }, { id: 'breaker', value: 'off', field: 'Envoy’s circuit breakers are limits, not a breaker' });
  }
  return { format: 'envoy', name, settings, notes };
}
