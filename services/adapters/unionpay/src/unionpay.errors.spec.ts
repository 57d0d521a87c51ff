import { DECLINE_CODES } from '@cardshop/payments';
import { DOCUMENTED_RESP_CODES, mapRespCode, meaningOf, RESP_CODES } from './unionpay.errors';

describe('unionpay.errors', () => {
  it('has a row for every respCode provider-protocols §3.7 lists', () => {
    expect(DOCUMENTED_RESP_CODES.filter((c) => !(c in RESP_CODES))).toEqual([]);
  });

  it('maps every row to a success, a pending or a unified decline', () => {
    for (const [code, m] of Object.entries(RESP_CODES)) {
      if (m.outcome === 'declined') expect(Object.keys(DECLINE_CODES)).toContain(m.decline);
      else expect(['00', 'A6', '03', '04', '05']).toContain(code);
    }
  });

  it.each([
    ['64', 'insufficient_funds', false],
    ['38', 'risk_rejected', false],
    ['63', 'card_declined', false],
    ['68', 'card_declined', false],
    ['78', 'card_declined', false],
    ['73', 'card_declined', false],
    ['33', 'limit_exceeded', false],
    ['69', 'expired', false],
    ['37', 'provider_unavailable', true],
    ['39', 'provider_unavailable', false],
    ['12', 'duplicate', false],
    ['99', 'unknown', false],
  ])('maps respCode %s to %s (retryable %s)', (code, declineCode, retryable) => {
    const { decline, retryable: r } = mapRespCode(code);
    expect(decline).toMatchObject({ code: declineCode, providerCode: code, remedy: expect.any(String) });
    expect(r).toBe(retryable);
  });

  it('00 and A6 are successes and 03/04/05 are not declines', () => {
    expect(meaningOf('00').outcome).toBe('success');
    expect(meaningOf('A6').outcome).toBe('success');
    for (const c of ['03', '04', '05']) expect(meaningOf(c).outcome).toBe('pending');
  });
});
