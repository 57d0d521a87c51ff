import { InboxMessage } from './inbox/inbox-message.entity';
import { CreateMessagingTables1732406400000, IndexMessagingRetention1732800000000 } from './messaging.migration';
import { OutboxMessage } from './outbox/outbox-message.entity';

/** Add to the service DataSource's `entities`. */
export const messagingEntities = [OutboxMessage, InboxMessage];
/** Add to the service DataSource's `migrations`. */
export const messagingMigrations = [CreateMessagingTables1732406400000, IndexMessagingRetention1732800000000];
