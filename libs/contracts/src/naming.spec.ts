import {
  CatalogService,
  OrderPlacedSchema,
  PaymentProviderService,
  ProductSchema,
  consumerName,
  contextOfPattern,
  deadLetterStreamName,
  deadLetterStreamSubjects,
  deadLetterSubject,
  eventContexts,
  eventSchemaByPattern,
  eventSchemas,
  eventStreamName,
  eventStreamSubjects,
  eventSubject,
  methodByPattern,
  patternOfEvent,
  patternOfMethod,
  rpcSubject,
} from './index';

describe('subject and stream naming', () => {
  const reserve = CatalogService.method.reserveKeys;
  const create = PaymentProviderService.method.createPayment;

  it('an event pattern is the message type name', () => {
    expect(patternOfEvent(OrderPlacedSchema)).toBe('orders.v1.OrderPlaced');
  });

  it('an rpc pattern is service type name and method, optionally qualified by provider', () => {
    expect(patternOfMethod(reserve)).toBe('catalog.v1.CatalogService.ReserveKeys');
    expect(patternOfMethod(create, 'alipay')).toBe('payments.v1.PaymentProviderService.CreatePayment.alipay');
  });

  it('subjects put the namespace first and keep the event inside its context stream', () => {
    const subject = eventSubject('cardshop', 'orders.v1.OrderPlaced');
    expect(subject).toBe('cardshop.evt.orders.v1.OrderPlaced');
    expect(rpcSubject('t_1', 'catalog.v1.CatalogService.ReserveKeys')).toBe('t_1.rpc.catalog.v1.CatalogService.ReserveKeys');
    const [filter] = eventStreamSubjects('cardshop', contextOfPattern('orders.v1.OrderPlaced'));
    expect(filter).toBe('cardshop.evt.orders.>');
    expect(subject.startsWith(filter.slice(0, -1))).toBe(true);
  });

  it('stream names are upper case with non-alphanumerics replaced by underscores', () => {
    expect(eventStreamName('cardshop', 'orders')).toBe('CARDSHOP_EVT_ORDERS');
    expect(eventStreamName('it-4f2a', 'payments')).toBe('IT_4F2A_EVT_PAYMENTS');
    expect(deadLetterStreamName('cardshop')).toBe('CARDSHOP_DLQ');
  });

  it('dead letters are namespaced per consumer and captured by one stream', () => {
    expect(deadLetterSubject('cardshop', 'orders', 'payments.v1.PaymentSucceeded')).toBe(
      'cardshop.dlq.orders.payments.v1.PaymentSucceeded',
    );
    expect(deadLetterStreamSubjects('cardshop')).toEqual(['cardshop.dlq.>']);
  });

  it('durable consumer names contain no dots', () => {
    expect(consumerName('orders', 'payments.v1.PaymentSucceeded')).toBe('orders__payments_v1_PaymentSucceeded');
  });

  it.each(['', 'a.b', 'a b', 'a*', 'a>', 'ns/x'])('a namespace that is not one NATS token (%j) is rejected', (ns) => {
    expect(() => eventSubject(ns, 'orders.v1.OrderPlaced')).toThrow(TypeError);
    expect(() => eventStreamName(ns, 'orders')).toThrow(TypeError);
  });

  it('a qualifier or pattern with wildcards is rejected', () => {
    expect(() => patternOfMethod(create, 'ali.pay')).toThrow(TypeError);
    expect(() => rpcSubject('cardshop', 'orders.v1.*')).toThrow(TypeError);
    expect(() => consumerName('orders', 'orders')).toThrow(TypeError);
  });
});

describe('contract registry', () => {
  it('every context publishes events and every events.proto message is an event', () => {
    expect([...eventContexts].sort()).toEqual(['catalog', 'orders', 'payments', 'risk', 'routing', 'settlement']);
    expect(eventSchemas).toContain(OrderPlacedSchema);
    expect(eventSchemas.map((s) => s.name)).not.toContain('Posting');
  });

  it('events are found by pattern and non-events are not', () => {
    expect(eventSchemaByPattern('orders.v1.OrderPlaced')).toBe(OrderPlacedSchema);
    expect(eventSchemaByPattern(patternOfEvent(ProductSchema))).toBeUndefined();
  });

  it('rpcs are found by pattern with or without a qualifier', () => {
    expect(methodByPattern('catalog.v1.CatalogService.ReserveKeys')).toBe(CatalogService.method.reserveKeys);
    expect(methodByPattern('payments.v1.PaymentProviderService.CreatePayment.alipay')).toBe(
      PaymentProviderService.method.createPayment,
    );
    expect(methodByPattern('catalog.v1.CatalogService.Nope')).toBeUndefined();
  });
});
