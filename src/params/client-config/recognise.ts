/**
 * Reads a client's retry configuration, whichever of the known formats it is, recognised from its
 * content: JSON (gRPC service config, Envoy, Polly or Azure.Core appsettings), INI (the AWS shared
 * config) or YAML (Envoy). YAML is read by the `yaml` package with anchors and aliases refused
 * before anything is built from them. Pure: the page can read a pasted config with it.
 */
import { isAlias, isMap, isNode, isScalar, parseDocument, visit } from 'yaml';
import { isAws, looksLikeIni, parseAwsConfig, readAws } from './aws.ts';
import { isAzureCore, readAzureCore } from './azure-core.ts';
import { isEnvoy, readEnvoy } from './envoy.ts';
import { isGrpc, readGrpc } from './grpc.ts';
import { isPolly, readPolly } from './polly.ts';
import { ConfigError, FORMAT_LABELS, isObject, printable, type ConfigRead, type FormatId, type ReadOptions, type Tree } from './read.ts';

export type ReadResult = { ok: true; read: ConfigRead } | { ok: false; error: string };

const READERS: Record<FormatId, (doc: Tree, options: ReadOptions) => ConfigRead> = {
  grpc: readGrpc,
  envoy: readEnvoy,
  polly: readPolly,
  aws: readAws,
  'azure-core': readAzureCore,
};

const WHAT_WE_LOOK_FOR =
  'methodConfig or retryThrottling (gRPC service config), retry_policy or retry_budget (Envoy), MaxRetryAttempts, BackoffType, UseJitter or FailureRatio (Polly), MaxRetries, Mode or NetworkTimeout (Azure.Core RetryOptions)';

type Syntax = 'JSON' | 'YAML' | 'INI';

/** Deeper than this, a file is not a client config anyone wrote. */
const MAX_DEPTH = 64;

/**
 * Every key once: nesting is bounded, and a `__proto__` key is refused outright (the readers never
 * write to an object by a key from the file, but a page that copies a paste must not meet one).
 */
function checkTree(node: unknown, syntax: Syntax, depth = 0): void {
  if (depth > MAX_DEPTH) throw new ConfigError(`read as ${syntax}: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(node)) node.forEach((n) => checkTree(n, syntax, depth + 1));
  else if (isObject(node)) {
    for (const k of Object.keys(node)) {
      if (k === '__proto__') throw new ConfigError(`read as ${syntax}: a key named "__proto__" is refused`);
      checkTree(node[k], syntax, depth + 1);
    }
  }
}

function parse(text: string): { syntax: Syntax; doc: Tree } {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new ConfigError('the file is empty');
  if (looksLikeIni(text)) return { syntax: 'INI', doc: parseAwsConfig(text) };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const hint = /(^|\s)\/[/*]/.test(text) ? ' (comments are not read: remove them)' : '';
      throw new ConfigError(`read as JSON: ${(e as Error).message.split('\n')[0]}${hint}`);
    }
    if (!isObject(doc)) throw new ConfigError('read as JSON: expected an object at the top');
    return { syntax: 'JSON', doc };
  }
  // Keys are checked for duplicates here, one set per mapping: the parser's own check compares
  // each key with every key before it, and a 1 MB mapping would take about a minute.
  const yaml = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (yaml.errors.length > 0) throw new ConfigError(`read as YAML: ${yaml.errors[0].message.split('\n')[0]}`);
  let wrong: string | null = null;
  visit(yaml, (_key, node) => {
    if (isAlias(node)) wrong = `an alias (*${node.source}); YAML anchors and aliases are refused: write the values out`;
    else if (isNode(node) && node.anchor) wrong = `an anchor (&${node.anchor}); YAML anchors and aliases are refused: write the values out`;
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          wrong = `the key ${JSON.stringify(String(key)).slice(0, 60)} appears twice in one mapping; each key once`;
          break;
        }
        seen.add(key);
      }
    }
    return wrong ? visit.BREAK : undefined;
  });
  if (wrong) throw new ConfigError(`read as YAML: ${wrong}`);
  const doc: unknown = yaml.toJS({ maxAliasCount: 0 });
  if (!isObject(doc)) throw new ConfigError('read as YAML: expected a mapping at the top');
  return { syntax: 'YAML', doc };
}

function recognise(syntax: Syntax, doc: Tree): FormatId {
  if (syntax === 'INI') {
    if (!isAws(doc)) throw new ConfigError('read as INI (an AWS shared config): no [default] or [profile NAME] section');
    return 'aws';
  }
  if (isGrpc(doc)) return 'grpc';
  if (isEnvoy(doc)) return 'envoy';
  const polly = isPolly(doc);
  const azure = isAzureCore(doc);
  if (polly && azure) throw new ConfigError(`read as ${syntax}: the file holds both Polly options and Azure.Core RetryOptions; give one at a time`);
  if (polly) return 'polly';
  if (azure) return 'azure-core';
  throw new ConfigError(`read as ${syntax}: no retry configuration found; looked for ${WHAT_WE_LOOK_FOR}`);
}

/** Reads a client config's text. Never throws: a file it cannot read is one sentence saying why. */
export function readClientConfig(text: string, options: ReadOptions = {}): ReadResult {
  let format: FormatId | null = null;
  try {
    const { syntax, doc } = parse(text.replace(/^\uFEFF/, ''));
    checkTree(doc, syntax);
    format = recognise(syntax, doc);
    const read = READERS[format](doc, options);
    return { ok: true, read: { ...read, name: read.name === null ? null : printable(read.name, 120), notes: read.notes.map((n) => printable(n)) } };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, error: `${format ? `read as ${FORMAT_LABELS[format]}: ` : ''}nested too deeply` };
    if (!(e instanceof ConfigError)) throw e;
    return { ok: false, error: printable(format ? `read as ${FORMAT_LABELS[format]}: ${e.message}` : e.message) };
  }
}
