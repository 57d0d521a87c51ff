import { HttpException, NotFoundException } from '@nestjs/common';
import { AppError, notFound } from './app-error';
import { toHttpError } from './http-error.filter';

describe('toHttpError', () => {
  it('a coded error keeps its code and status', () => {
    expect(toHttpError(notFound('ORDER.NOT_FOUND', 'no such order'))).toEqual({ status: 404, body: { code: 'ORDER.NOT_FOUND', message: 'no such order' } });
  });
  it("the HTTP layer's own errors (oversized body, bad Content-Length) are 4xx with a code, as Nest hands them on or not", () => {
    const fastifyError = (code: string, statusCode: number, message: string) => Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
    expect(toHttpError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'))).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
    expect(toHttpError(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Request body size did not match Content-Length'))).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(toHttpError(new HttpException('Request body is too large', 413))).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
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
