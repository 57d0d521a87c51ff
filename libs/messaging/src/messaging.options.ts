import type { Codec } from './codec';
import type { NatsConnectionProvider } from './nats-connection.provider';

/** Settings shared by the server, the client and the outbox. */
export interface MessagingCommonOptions {
  /** First token of every subject (`cardshop`, or a per-test prefix). */
  namespace: string;
  /** Names durable consumers, the RPC queue group and the NATS connection. */
  serviceName: string;
  /** NATS URL(s); ignored when `connection` is given. Default `nats://127.0.0.1:4222`. */
  servers?: string | string[];
  /** Share one connection per process (see `NatsConnectionProvider`). */
  connection?: NatsConnectionProvider;
  /** Payload codec; default JSON. */
  codec?: Codec;
}

export interface JetStreamServerOptions extends MessagingCommonOptions {
  /** Deliveries before an event goes to the dead-letter subject. Default 5. */
  maxDeliver?: number;
  /** Redelivery delays after the 1st, 2nd, … failure; the last repeats. Default [200, 1000, 5000, 15000]. */
  backoffMs?: number[];
  /** How long a handler may run before JetStream redelivers. Default 30 000. */
  ackWaitMs?: number;
  /** Queue group for RPC handlers. Default `serviceName`. */
  rpcQueueGroup?: string;
  /** Pull batch size per consumer. Default 64. */
  maxMessages?: number;
  /** Handlers running at once per consumer. Default `maxMessages`. */
  concurrency?: number;
}
