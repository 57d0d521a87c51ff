// Preloaded with `node --require` so instrumentation patches http and pg before they are loaded.
import { startTelemetry } from './tracing';

startTelemetry(process.env.SERVICE_NAME ?? 'unknown');
