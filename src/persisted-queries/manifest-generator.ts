import fs from 'node:fs';
import path from 'node:path';
import {
  GraphQLError,
  Kind,
  Source,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { operationId, type PersistedOperation } from './manifest';

/** What a client's operations are read from. */
const GRAPHQL_FILE = /\.(graphql|gql)$/;

/** Every problem found in a client's operations, one `file:line: message` each; nothing is written while there are any. */
export class ManifestGenerationError extends Error {
  override readonly name = 'ManifestGenerationError';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** The .graphql and .gql files among `paths`, directories read recursively; sorted, so the output does not depend on the file system's order. */
export function findGraphQLFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  const visitPath = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(entry)) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visitPath(path.join(entry, name));
      }
    } else if (GRAPHQL_FILE.test(entry)) {
      found.push(entry);
    }
  };
  for (const entry of paths) visitPath(entry);
  return [...new Set(found)].sort();
}

interface Located<T> {
  readonly node: T;
  readonly file: string;
}

function where(node: { loc?: { source: Source; start: number } }, fallbackFile: string): string {
  if (!node.loc) return fallbackFile;
  const line = node.loc.source.body.slice(0, node.loc.start).split('\n').length;
  return `${node.loc.source.name}:${line}`;
}

function describe(error: GraphQLError, fallbackFile: string): string {
  const node = error.nodes?.find((candidate) => candidate.loc);
  if (node?.loc) return `${where(node, fallbackFile)}: ${error.message}`;
  const location = error.locations?.[0];
  return `${error.source?.name ?? fallbackFile}${location ? `:${location.line}` : ''}: ${error.message}`;
}

/** The fragments an operation uses, directly or through other fragments, by name; unknown names are left to validation. */
function fragmentsUsedBy(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, Located<FragmentDefinitionNode>>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  while (pending.length) {
    visit(pending.pop() as OperationDefinitionNode | FragmentDefinitionNode, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment || used.has(name)) return;
        used.set(name, fragment.node);
        pending.push(fragment.node);
      },
    });
  }
  return [...used.values()].sort((a, b) => (a.name.value < b.name.value ? -1 : 1));
}

/**
 * A client's operations, read from .graphql files, as manifest entries: each named operation with the fragments it
 * uses (from any of the files), printed with graphql's `print` so that the body, and so its id, does not depend on
 * how the file was formatted, and validated against `schema`. Throws ManifestGenerationError listing every
 * anonymous, duplicate or invalid operation, duplicate fragment and syntax error, each with its file and line.
 */
export function generateOperations(files: readonly { path: string; text: string }[], schema: GraphQLSchema): PersistedOperation[] {
  const problems: string[] = [];
  const operations = new Map<string, Located<OperationDefinitionNode>>();
  const fragments = new Map<string, Located<FragmentDefinitionNode>>();
  for (const file of files) {
    let document: DocumentNode;
    try {
      document = parse(new Source(file.text, file.path));
    } catch (error) {
      problems.push(error instanceof GraphQLError ? describe(error, file.path) : `${file.path}: ${String(error)}`);
      continue;
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const earlier = fragments.get(definition.name.value);
        if (earlier) problems.push(`${where(definition, file.path)}: fragment ${definition.name.value} is already defined at ${where(earlier.node, earlier.file)}`);
        else fragments.set(definition.name.value, { node: definition, file: file.path });
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) {
          problems.push(`${where(definition, file.path)}: an anonymous ${definition.operation}: give it a name, which the manifest lists it by`);
          continue;
        }
        const earlier = operations.get(definition.name.value);
        if (earlier) problems.push(`${where(definition, file.path)}: operation ${definition.name.value} is already defined at ${where(earlier.node, earlier.file)}`);
        else operations.set(definition.name.value, { node: definition, file: file.path });
      } else {
        problems.push(`${where(definition, file.path)}: only operations and fragments belong in a client's .graphql files, not schema definitions`);
      }
    }
  }

  const generated: PersistedOperation[] = [];
  for (const [name, { node, file }] of operations) {
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [node, ...fragmentsUsedBy(node, fragments)] };
    const errors = validate(schema, document);
    if (errors.length) {
      problems.push(...errors.map((error) => describe(error, file)));
      continue;
    }
    const body = print(document);
    generated.push({ id: operationId(body), name, type: node.operation, body });
  }
  if (problems.length) throw new ManifestGenerationError(problems);
  return generated.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
