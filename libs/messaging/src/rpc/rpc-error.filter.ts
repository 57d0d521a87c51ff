import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter replaces every non-`RpcException` error with "Internal server error",
 * losing its `code`. This filter passes the error through untouched, so the transport keeps coded
 * errors (and dead-letter headers say what failed). Put `@UseFilters(RpcErrorFilter)` on message
 * controllers: in a hybrid app, `useGlobalFilters` on the connected microservice comes too late
 * (Nest binds filters when `connectMicroservice` registers the handlers). A standalone
 * microservice may instead call `app.useGlobalFilters(new RpcErrorFilter())` before `listen()`.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
