import type { GraphQLRequestContext } from '@apollo/server';
import { OperationsInFlight } from '../src/shared/operations-in-flight';

/** The hooks Apollo calls, driven by hand: the paths a real request takes are covered by shutdown.test.ts. */
describe('OperationsInFlight', () => {
  const context = () => ({}) as GraphQLRequestContext<object>;

  it('counts an operation until its response is sent, once however many hooks report its end', async () => {
    const inFlight = new OperationsInFlight();
    const plugin = inFlight.plugin<object>();
    const operation = context();
    const listener = await plugin.requestDidStart?.(operation);
    expect(inFlight.size).toBe(1);
    let idle = false;
    const waiting = inFlight.whenIdle(5_000).then((result) => (idle = result));
    await listener?.willSendResponse?.(operation as never);
    // A plugin that throws after willSendResponse makes Apollo report the same operation again.
    await plugin.unexpectedErrorProcessingRequest?.({ requestContext: operation, error: new Error('a later plugin threw') });
    await waiting;
    expect(idle).toBe(true);
    expect(inFlight.size).toBe(0);
  });

  it('ignores the end of an operation it never counted (a plugin before it threw in requestDidStart)', async () => {
    const inFlight = new OperationsInFlight();
    const plugin = inFlight.plugin<object>();
    const counted = context();
    await plugin.requestDidStart?.(counted);
    await plugin.unexpectedErrorProcessingRequest?.({ requestContext: context(), error: new Error('never started here') });
    expect(inFlight.size).toBe(1);
    expect(await inFlight.whenIdle(50)).toBe(false);
    await plugin.unexpectedErrorProcessingRequest?.({ requestContext: counted, error: new Error('thrown mid-pipeline') });
    expect(await inFlight.whenIdle(50)).toBe(true);
  });
});
