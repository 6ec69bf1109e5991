import { registerEnumType } from 'type-graphql';

/** Staff roles. ADMIN may do everything; the others as listed on each operation. */
export enum Role {
  ADMIN = 'ADMIN',
  EDITOR = 'EDITOR',
  AUTHOR = 'AUTHOR',
  ANALYST = 'ANALYST',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'ADMIN: everything, tokens, subscriber export. EDITOR: all content and moderation. AUTHOR: own articles, no publishing. ANALYST: analytics.',
});
