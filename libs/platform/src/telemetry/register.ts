// Preloaded with `node --require`, so the tracer provider exists before any module opens a span.
import { startTelemetry } from './tracing';

// OTEL_SDK_DISABLED is the standard OpenTelemetry switch; ops pages then show no spans.
if (process.env.OTEL_SDK_DISABLED !== 'true') startTelemetry(process.env.SERVICE_NAME ?? 'unknown');
