import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { cacheTag, type ListKey } from './cache-tags';

/**
 * How long a response may be kept, from per-field hints: the lowest of every selected field's wins, as with Apollo's
 * cache-control hints. `maxAge` is for browsers (no purge reaches them, so it is short), `sharedMaxAge` for shared
 * caches the gateway purges (its own response cache, a CDN), `staleWhileRevalidate` how long after that a stale copy
 * may still be served while one refresh runs.
 */
export interface CacheHint {
  maxAge?: number;
  sharedMaxAge?: number;
  staleWhileRevalidate?: number;
}

export type CachePolicy = { scope: 'public'; maxAge: number; sharedMaxAge: number; staleWhileRevalidate: number } | { scope: 'private' };

export const PRIVATE: CachePolicy = { scope: 'private' };

/** What a query implies for caching before it runs: its policy, its filter tags, whether it shows comments. */
export interface QueryCacheFacts {
  policy: CachePolicy;
  tags: Set<string>;
  /** It selects comments or comment counts: each article in the response adds its `comments:<id>` tag. */
  showsComments: boolean;
}

/** Which author, section or tag the enclosing field looked up by slug, so that its `articles` know whose they are. */
type LookedUp = { key: ListKey; slug: string } | null;

interface FieldRule {
  hint?: CacheHint;
  /** Never kept by shared caches (a viewer's own data). */
  private?: boolean;
  tags?: (args: Record<string, unknown>, lookedUp: LookedUp) => string[];
  lookUp?: (args: Record<string, unknown>) => LookedUp;
  showsComments?: boolean;
}

/** Lists that change with every view: a short life, and stale-while-revalidate so one refresh runs, not a stampede. */
const VIEW_DRIVEN: CacheHint = { maxAge: 30, sharedMaxAge: 30, staleWhileRevalidate: 30 };

const termLookup =
  (key: ListKey): FieldRule['lookUp'] =>
  (args) => ({ key, slug: String(args.slug) });
const termArticles =
  (key: ListKey): FieldRule['tags'] =>
  (_args, lookedUp) => [lookedUp?.key === key ? cacheTag.list({ [key]: lookedUp.slug }) : cacheTag.anyList(key), cacheTag.everyList];

/**
 * The public reads, by `Type.field`. A root Query field that is not here is never cached (staff and analytics reads,
 * the viewer's own data). Fields not here inherit their parent's policy.
 */
const RULES: Record<string, FieldRule> = {
  'Query.article': {
    // Ids are read case-insensitively (parseId), so tagged as the database spells them.
    tags: (args) => (args.id != null ? [cacheTag.article(String(args.id).toLowerCase())] : args.slug != null ? [cacheTag.articleSlug(String(args.slug))] : []),
  },
  'Query.articles': {
    tags: (args) => {
      const filter = (args.filter ?? {}) as Partial<Record<ListKey, string | null>>;
      return [cacheTag.list({ author: filter.author ?? undefined, section: filter.section ?? undefined, tag: filter.tag ?? undefined }), cacheTag.everyList];
    },
  },
  'Query.searchArticles': { tags: () => [cacheTag.search, cacheTag.everyList] },
  'Query.popularArticles': { hint: VIEW_DRIVEN },
  'Query.trendingArticles': { hint: VIEW_DRIVEN },
  'Query.author': { tags: (args) => [cacheTag.termSlug('author', String(args.slug))], lookUp: termLookup('author') },
  'Query.authors': { tags: () => [cacheTag.anyTerm('author')] },
  'Query.section': { tags: (args) => [cacheTag.termSlug('section', String(args.slug))], lookUp: termLookup('section') },
  'Query.sections': { tags: () => [cacheTag.anyTerm('section')] },
  'Query.tag': { tags: (args) => [cacheTag.termSlug('tag', String(args.slug))], lookUp: termLookup('tag') },
  'Query.tags': { tags: () => [cacheTag.anyTerm('tag')] },
  'Author.articles': { tags: termArticles('author') },
  'Section.articles': { tags: termArticles('section') },
  'Tag.articles': { tags: termArticles('tag') },
  'Article.comments': { showsComments: true },
  'Article.commentCount': { showsComments: true },
  'Comment.replies': { showsComments: true },
  'Comment.replyCount': { showsComments: true },
  // Counted views move all the time; nothing purges for them.
  // Any article published or changed may enter a "More like this" list: purged with every article change.
  'Article.relatedArticles': { tags: () => [cacheTag.related] },
  'Article.viewCount': { hint: { maxAge: 60, sharedMaxAge: 60 } },
};

const TERM_TYPES: Record<string, ListKey> = { Author: 'author', Section: 'section', Tag: 'tag' };

/**
 * Works out a query's cache policy and filter tags from its document and variables. A mutation, a subscription,
 * introspection, a staff-only or viewer-specific field (any `viewerToken` or `preview: true` argument) makes it
 * private. Invalid variables make it private too: the executor will report them.
 */
export function queryCacheFacts(...query: Parameters<typeof factsOf>): QueryCacheFacts {
  try {
    return factsOf(...query);
  } catch {
    // An argument the executor will refuse (a null for a non-null with a default, say): its error, never cached.
    return privateFacts();
  }
}

const privateFacts = (): QueryCacheFacts => ({ policy: PRIVATE, tags: new Set(), showsComments: false });

function factsOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  defaults: Required<CacheHint>,
): QueryCacheFacts {
  const facts = privateFacts();
  const queryType = schema.getQueryType();
  if (operation.operation !== 'query' || !queryType) return facts;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return facts;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const hint = { ...defaults };
  let isPrivate = false;

  const included = (node: { directives?: readonly DirectiveNode[] }) =>
    !node.directives?.length ||
    (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false);

  const visitField = (node: FieldNode, parent: GraphQLCompositeType, lookedUp: LookedUp) => {
    const name = node.name.value;
    if (name === '__typename') return;
    if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) {
      isPrivate = true;
      return;
    }
    const field = parent.getFields()[name];
    if (!field) return; // validation has refused it already
    const args = getArgumentValues(field, node, variables);
    const rule = RULES[`${parent.name}.${name}`];
    if ((parent === queryType && !rule) || rule?.private || args.viewerToken != null || args.preview === true) {
      isPrivate = true;
      return;
    }
    const term = TERM_TYPES[parent.name];
    if (term) facts.tags.add(cacheTag.anyTerm(term));
    if (rule?.hint) {
      if (rule.hint.maxAge !== undefined) hint.maxAge = Math.min(hint.maxAge, rule.hint.maxAge);
      if (rule.hint.sharedMaxAge !== undefined) hint.sharedMaxAge = Math.min(hint.sharedMaxAge, rule.hint.sharedMaxAge);
      if (rule.hint.staleWhileRevalidate !== undefined) hint.staleWhileRevalidate = Math.min(hint.staleWhileRevalidate, rule.hint.staleWhileRevalidate);
    }
    for (const tag of rule?.tags?.(args, lookedUp) ?? []) facts.tags.add(tag);
    if (rule?.showsComments) facts.showsComments = true;
    const type = getNamedType(field.type);
    if (node.selectionSet && isCompositeType(type)) visitSelections(node.selectionSet, type, rule?.lookUp?.(args) ?? null);
  };

  const visitSelections = (selections: SelectionSetNode, parent: GraphQLCompositeType, lookedUp: LookedUp) => {
    for (const selection of selections.selections) {
      if (isPrivate) return;
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) visitField(selection, parent, lookedUp);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) visitSelections(selection.selectionSet, type, lookedUp);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type)) visitSelections(fragment.selectionSet, type, lookedUp);
      }
    }
  };

  visitSelections(operation.selectionSet, queryType, null);
  if (isPrivate || hint.sharedMaxAge <= 0) return privateFacts();
  facts.policy = { scope: 'public', ...hint };
  return facts;
}

/** The Cache-Control header for a policy. */
export function cacheControlHeader(policy: CachePolicy): string {
  if (policy.scope === 'private') return 'private, no-store';
  const parts = [`public`, `max-age=${policy.maxAge}`, `s-maxage=${policy.sharedMaxAge}`];
  if (policy.staleWhileRevalidate > 0) parts.push(`stale-while-revalidate=${policy.staleWhileRevalidate}`);
  return parts.join(', ');
}
