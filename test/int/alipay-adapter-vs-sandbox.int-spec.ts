// Cross-project: the Alipay adapter against the provider sandbox. It lives outside both projects
// because an adapter may not import a service, yet this test needs both, as a merchant and Alipay do.
import { runAdapterContractSuite } from '@cardshop/payments/testing';
import type { RawWebhookRequest } from '@cardshop/payments';
import { generateKeyPairSync } from 'node:crypto';
import { NotifyReceiver, waitFor } from '../../services/provider-sandbox/test/support/notify-receiver';
import { startSandbox, type RunningSandbox } from '../../services/provider-sandbox/test/support/sandbox-app';
import { AlipayAdapter } from '../../services/adapters/alipay/src/alipay.adapter';
import { AlipayConfig } from '../../services/adapters/alipay/src/alipay.config';

// Our adapter against the provider sandbox booted in-process: real HTTP, real signatures.
let sandbox: RunningSandbox;
let receiver: NotifyReceiver;
let config: AlipayConfig;

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await new NotifyReceiver().start();
  const appId = `2021c${Date.now()}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const reg = await sandbox.control('PUT', `/control/merchants/alipay/${appId}`, { publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  config = new AlipayConfig({
    appId,
    privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    alipayPublicKey: reg.body.alipayPublicKey,
    gatewayUrl: reg.body.endpoint,
    notifyUrl: receiver.url,
  });
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

const withBody = (raw: RawWebhookRequest, edit: (p: URLSearchParams) => void): RawWebhookRequest => {
  const params = new URLSearchParams(raw.rawBody.toString('utf8'));
  edit(params);
  return { ...raw, rawBody: Buffer.from(params.toString()) };
};

runAdapterContractSuite({
  name: 'Alipay',
  makeAdapter: () => new AlipayAdapter(config),
  sampleMoney: { minor: 8888, currency: 'CNY' },
  // Before the scan Alipay does not know a precreate trade; the adapter reports it as pending.
  unpaidQueryStatuses: ['pending'],
  sandbox: {
    async complete(reference, outcome) {
      const res = await sandbox.control('POST', `/control/payments/alipay/${reference}/complete`, { outcome });
      if (res.status !== 200) throw new Error(`complete failed: ${JSON.stringify(res.body)}`);
    },
    async receivedWebhook(reference) {
      const n = await waitFor(() => receiver.for(reference).find((x) => x.params.trade_status === 'TRADE_SUCCESS'), `notify for ${reference}`);
      return { headers: n.headers, rawBody: n.rawBody, contentType: String(n.headers['content-type']) };
    },
    forge: (raw) => withBody(raw, (p) => p.set('sign', Buffer.from('forged'.repeat(40)).toString('base64'))),
    tamperAmount: (raw) => withBody(raw, (p) => p.set('total_amount', '0.01')),
  },
});
