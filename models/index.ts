/** The built-in models, by id. Model files are data; this only gathers them for the app and the CLI. */
import azure from './azure-2026-02.json';
import single from './single-service.json';

export const BUILTIN_MODELS: Readonly<Record<string, unknown>> = {
  'azure-2026-02': azure,
  'single-service': single,
};

export const DEFAULT_MODEL_ID = 'azure-2026-02';
