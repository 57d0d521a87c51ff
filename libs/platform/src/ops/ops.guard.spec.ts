import { presentedOpsToken, tokenMatches } from './ops.guard';

describe('ops credential', () => {
  it('accepts a bearer token and a basic password', () => {
    expect(presentedOpsToken('Bearer abc')).toBe('abc');
    expect(presentedOpsToken(`Basic ${Buffer.from('ops:s3cret:x').toString('base64')}`)).toBe('s3cret:x');
  });
  it('a wrong or missing token never matches', () => {
    expect(tokenMatches(undefined, 'expected-token')).toBe(false);
    expect(tokenMatches('expected-tokeN', 'expected-token')).toBe(false);
    expect(tokenMatches('expected-token', 'expected-token')).toBe(true);
  });
});
