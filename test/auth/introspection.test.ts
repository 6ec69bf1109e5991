import { Role } from '../../src/auth/role';
import { errorCodes, useTestApp } from '../setup/harness';

describe('introspection in production', () => {
  const { t } = useTestApp({ NODE_ENV: 'production' });
  const INTROSPECT = `{ __schema { queryType { name } } }`;

  it('is off for anonymous callers and for a bad token', async () => {
    expect(errorCodes(await t.gql(INTROSPECT))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodes(await t.gql(`{ __type(name: "Article") { name } }`))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodes(await t.gql(INTROSPECT, {}, { authorization: 'Bearer mst_nope' }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('is on for staff, so editors can use the playground', async () => {
    for (const role of [Role.EDITOR, Role.ANALYST]) {
      const { headers } = await t.staff(role);
      expect((await t.gql(INTROSPECT, {}, headers)).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    }
  });

  it('leaves __typename alone', async () => {
    expect((await t.gql(`{ __typename }`)).body.data).toEqual({ __typename: 'Query' });
  });
});

describe('introspection in development', () => {
  const { t } = useTestApp();
  it('is on for everyone', async () => {
    expect((await t.gql(`{ __schema { queryType { name } } }`)).body.errors).toBeUndefined();
  });
});
