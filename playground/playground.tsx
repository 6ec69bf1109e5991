// Masthead playground: GraphiQL 5 rendered full-page, talking to /graphql on the same origin.
//
// Bundled by playground/build.mjs into content-hashed files the gateway serves itself (no CDN, no
// web fonts, no network access other than POST /graphql and this bundle). The Monaco web workers
// are bundled as files of their own; the virtual `playground-worker:*` modules hand this module
// their same-origin URLs (see workers.d.ts), so the browser caches them like the rest.
import 'graphiql/style.css';

import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import editorWorkerUrl from 'playground-worker:editor';
import graphqlWorkerUrl from 'playground-worker:graphql';
import jsonWorkerUrl from 'playground-worker:json';

// ---------------------------------------------------------------------------------------------
// Monaco workers. This is the setup graphiql 5 documents (graphiql/setup-workers/*): a
// MonacoEnvironment.getWorker that returns the json worker for "json", the monaco-graphql worker
// for "graphql", and the plain editor worker for everything else. It must run before GraphiQL
// loads Monaco, i.e. at module top level here.
// ---------------------------------------------------------------------------------------------
(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'json':
        return new Worker(jsonWorkerUrl, { name: 'json' });
      case 'graphql':
        return new Worker(graphqlWorkerUrl, { name: 'graphql' });
    }
    return new Worker(editorWorkerUrl, { name: 'editor' });
  },
};

// ---------------------------------------------------------------------------------------------
// Fetcher: POST JSON to /graphql on this origin. Headers typed into the Headers pane are merged
// in by GraphiQL on every request (e.g. {"Authorization": "Bearer <token>"}).
// ---------------------------------------------------------------------------------------------
const fetcher = createGraphiQLFetcher({
  url: new URL('/graphql', window.location.href).toString(),
  // Plain JSON responses only: Masthead serves no incremental delivery or subscriptions.
  enableIncrementalDelivery: false,
});

// ---------------------------------------------------------------------------------------------
// Storage: GraphiQL keeps tabs, history and settings in localStorage. Namespace the keys so this
// page does not share state with another GraphiQL on the same origin. Bump the version when the
// example tabs below change, so returning visitors see the new ones (saved tabs win otherwise).
// ---------------------------------------------------------------------------------------------
const STORAGE_PREFIX = 'masthead-playground-v1:';

function namespacedKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key !== null && key.startsWith(STORAGE_PREFIX)) keys.push(key);
  }
  return keys;
}

function createStorage() {
  try {
    // Throws when storage is disabled (e.g. some privacy modes); GraphiQL then keeps state in memory.
    localStorage.getItem(STORAGE_PREFIX);
  } catch {
    return undefined;
  }
  return {
    getItem: (key: string) => localStorage.getItem(STORAGE_PREFIX + key),
    setItem: (key: string, value: string) => localStorage.setItem(STORAGE_PREFIX + key, value),
    removeItem: (key: string) => localStorage.removeItem(STORAGE_PREFIX + key),
    clear: () => namespacedKeys().forEach((key) => localStorage.removeItem(key)),
    get length() {
      return namespacedKeys().length;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Example tabs (used only when no tabs are saved in storage yet).
// ---------------------------------------------------------------------------------------------
const frontPage = `# Front page
#
# The ten latest published articles, with what a front
# page shows for each: headline, link, date, byline,
# section, tags and the number of comments.
#
# Press the run button (or Ctrl-Enter). No login needed.

query FrontPage {
  articles(first: 10) {
    edges {
      node {
        title
        url
        publishedAt
        author {
          name
        }
        section {
          name
        }
        tags {
          name
        }
        commentCount
      }
    }
  }
}
`;

const articlePage = `# Article page
#
# One article by its slug: body, byline, the first
# approved comments, and related articles (with why
# they are related).
#
# Paste the slug of an article from the front page into
# "slug" in the Variables pane below. To see slugs, add
# "slug" next to "title" in the FrontPage tab and run it
# (with the default url template, each url ends in the
# slug as well, URL-encoded).

query ArticlePage($slug: String!) {
  article(slug: $slug) {
    title
    body
    author {
      name
    }
    comments(first: 10) {
      edges {
        node {
          authorName
          body
          replyCount
        }
      }
    }
    relatedArticles {
      score
      reasons
      article {
        title
      }
    }
  }
}
`;

const createAndPublish = `# Create and publish an article (editors only)
#
# These mutations need an editor's token. Create one
# on the server with
#
#   npm run token:create -- \\
#     --name "Your name" --role EDITOR
#
# and put it in the Headers pane below, replacing <token>:
#
#   {"Authorization": "Bearer <token>"}
#
# Then:
#   1. Fill in "input" in the Variables pane (title,
#      body as HTML, authorId) and run CreateArticle
#      (the run button asks which operation to run).
#      It returns the new draft's id.
#   2. Put that id into "id" in the Variables pane and
#      run Publish.

mutation CreateArticle($input: CreateArticleInput!) {
  createArticle(input: $input) {
    id
    slug
    status
    version
  }
}

mutation Publish($id: ID!) {
  publishArticle(id: $id) {
    id
    status
    publishedAt
  }
}
`;

const moderate = `# Moderate a comment (editors only)
#
# Needs an EDITOR token in the Headers pane, as in the
# CreateArticle tab:
#
#   {"Authorization": "Bearer <token>"}
#
#   1. Run Pending to list comments awaiting moderation.
#   2. Put a comment's id into "id" in the Variables
#      pane and run Moderate to approve it.

query Pending {
  commentsForModeration(status: PENDING, first: 20) {
    edges {
      node {
        id
        authorName
        authorEmail
        body
        article {
          title
        }
      }
    }
  }
}

mutation Moderate($id: ID!) {
  moderateComment(id: $id, action: APPROVE) {
    id
    status
  }
}
`;

const json = (value: unknown) => JSON.stringify(value, null, 2);

const defaultTabs = [
  { query: frontPage },
  { query: articlePage, variables: json({ slug: '' }) },
  {
    query: createAndPublish,
    variables: json({
      input: { title: 'A headline', body: '<p>The first paragraph.</p>', authorId: 'an author id' },
      id: 'the id CreateArticle returned',
    }),
    headers: json({ Authorization: 'Bearer <token>' }),
  },
  {
    query: moderate,
    variables: json({ id: 'a comment id from Pending' }),
    headers: json({ Authorization: 'Bearer <token>' }),
  },
];

const container = document.getElementById('root');
if (!container) throw new Error('playground: #root element missing');

createRoot(container).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={defaultTabs}
      storage={createStorage()}
      isHeadersEditorEnabled
      // Tokens are not written to localStorage unless the user turns it on in Settings.
      shouldPersistHeaders={false}
      showPersistHeadersSettings
      defaultEditorToolsVisibility
    >
      <GraphiQL.Logo>Masthead</GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
