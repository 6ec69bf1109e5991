import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, isInterfaceType, isObjectType } from 'graphql';
import { printAppSchema } from '../src/schema';

const SCHEMA_FILE = path.join(__dirname, '..', 'schema.graphql');

describe('schema.graphql', () => {
  it('matches the schema the code builds (UPDATE_SCHEMA=1 npm test -- schema rewrites it)', async () => {
    const printed = await printAppSchema();
    if (process.env.UPDATE_SCHEMA === '1') fs.writeFileSync(SCHEMA_FILE, printed);
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(printed);
  });

  it('has no type named Subscription: that name belongs to GraphQL subscriptions', async () => {
    const schema = buildSchema(await printAppSchema());
    expect(schema.getType('Subscription')).toBeUndefined();
    expect(schema.getSubscriptionType()).toBeUndefined();
  });

  it('exposes no e-mail address or IP on any type it answers with (readers send addresses in; none come out)', async () => {
    const schema = buildSchema(await printAppSchema());
    const leaks = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && (isObjectType(type) || isInterfaceType(type)))
      .flatMap((type) => Object.keys((type as { getFields(): Record<string, unknown> }).getFields()).map((field) => `${type.name}.${field}`))
      .filter((name) => /email|(^|\.)ip|ipaddress|ip_hash/i.test(name.split('.')[1]));
    // ShareLinks.email is a mailto: share link, not anyone's address.
    expect(leaks).toEqual(['ShareLinks.email']);
  });
});
