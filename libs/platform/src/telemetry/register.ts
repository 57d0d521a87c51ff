// Preloaded with `node --require` so instrumentation patches http and pg before they are loaded.
import { startTelemetry } from './tracing';

// OTEL_SDK_DISABLED is the standard OpenTelemetry switch; ops pages then show no spans.
if (process.env.OTEL_SDK_DISABLED !== 'true') startTelemetry(process.env.SERVICE_NAME ?? 'unknown');
