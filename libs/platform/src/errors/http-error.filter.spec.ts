import { NotFoundException } from '@nestjs/common';
import { AppError, notFound } from './app-error';
import { toHttpError } from './http-error.filter';

describe('toHttpError', () => {
  it('a coded error keeps its code and status', () => {
    expect(toHttpError(notFound('ORDER.NOT_FOUND', 'no such order'))).toEqual({ status: 404, body: { code: 'ORDER.NOT_FOUND', message: 'no such order' } });
  });
  it('a body the parser could not read is a 400, not a 500', () => {
    expect(toHttpError(Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 })).status).toBe(400);
  });
  it('an unsupported charset, an oversized body or too many fields is a 4xx with a code', () => {
    expect(toHttpError(Object.assign(new Error('unsupported charset "BOGUS"'), { type: 'charset.unsupported', status: 415 }))).toMatchObject({ status: 415, body: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' } });
    expect(toHttpError(Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }))).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
    expect(toHttpError(Object.assign(new Error('too many parameters'), { type: 'parameters.too.many', status: 413 })).status).toBe(413);
  });
  it('an unknown route is a 404 with a code', () => {
    expect(toHttpError(new NotFoundException('Cannot GET /x')).body.code).toBe('ROUTE.NOT_FOUND');
  });
  it('an unexpected error hides its message', () => {
    expect(toHttpError(new Error('password=hunter2 in SQL'))).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
  });
  it('a retryable 503 says what is unavailable', () => {
    expect(toHttpError(new AppError('PAYMENT.PROVIDER_UNAVAILABLE', 'alipay did not answer', 503, true)).body.message).toBe('alipay did not answer');
  });
});
