import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isInterfaceType, isObjectType, type GraphQLNamedType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildAppSchema, printAppSchema } from '../src/schema';

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
    // ShareLinks.email is a mailto: share link, not anyone's address; the other two are staff-only types (below).
    expect(leaks.sort()).toEqual(['ModerationComment.authorEmail', 'NewsletterSubscriber.email', 'ShareLinks.email']);
  });

  it('reaches the staff-only types with addresses only through fields that demand a role', async () => {
    const schema = await buildAppSchema();
    const staffOnly = new Set(['ModerationComment', 'NewsletterSubscriber']);
    // Every root field whose type (at any depth) is a staff-only type must carry @Authorized (type-graphql records it).
    const reaching: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        if (reachable(getNamedType(field.type) as GraphQLNamedType).some((name) => staffOnly.has(name))) reaching.push(`${root?.name}.${field.name}`);
      }
    }
    const authorized = getMetadataStorage()
      .authorizedFields.map((meta) => `${meta.target.name}.${meta.fieldName}`);
    expect(reaching.sort()).toEqual(['Mutation.moderateComment', 'Mutation.moderateComments', 'Query.commentsForModeration', 'Query.newsletterSubscribers']);
    for (const field of ['moderateComment', 'moderateComments', 'commentsForModeration', 'newsletterSubscribers']) {
      expect(authorized.some((name) => name.endsWith(`.${field}`))).toBe(true);
    }
  });
});

/** Names of the types reachable from `type` through fields. */
function reachable(type: GraphQLNamedType, seen = new Set<string>()): string[] {
  if (seen.has(type.name)) return [];
  seen.add(type.name);
  if (isObjectType(type)) for (const field of Object.values(type.getFields())) reachable(getNamedType(field.type) as GraphQLNamedType, seen);
  return [...seen];
}
