import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';

/**
 * Counts the GraphQL operations still being worked on, so shutdown can wait for them before closing the database.
 * Draining HTTP is not enough: when a client hangs up, its connection closes at once, but the operation it sent goes
 * on resolving fields (or running a mutation's transaction) and would meet a closed pool.
 */
export class OperationsInFlight {
  private count = 0;
  /** Operations counted and not yet finished: finishing one twice, or one never counted, changes nothing. */
  private readonly running = new WeakSet<GraphQLRequestContext<object>>();
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  plugin<T extends object>(): ApolloServerPlugin<T> {
    const finish = (requestContext: GraphQLRequestContext<T>) => {
      if (!this.running.delete(requestContext)) return;
      if (--this.count === 0) this.waiters.splice(0).forEach((wake) => wake());
    };
    return {
      requestDidStart: async (requestContext) => {
        this.running.add(requestContext);
        this.count++;
        return { willSendResponse: async () => finish(requestContext) };
      },
      // A pipeline that throws never reaches willSendResponse (and one whose plugins threw first may never have
      // reached requestDidStart here: not counted, so not finished either).
      unexpectedErrorProcessingRequest: async ({ requestContext }) => finish(requestContext),
    };
  }

  /** Resolves true once no operation is in flight, or false after `timeoutMs` with some still going. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}
