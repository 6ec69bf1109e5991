import { CommentStatus } from '../../src/comment/comment.entity';
import { errorCodes, everyNode, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

const THREAD = `query ($id: ID, $first: Int, $after: String) {
  article(id: $id) {
    commentCount
    comments(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id authorName body replyCount parent { id }
        replies(first: 10) { totalCount edges { node { body replyCount parent { body }
          replies { edges { node { body } } } } } } } }
    }
  }
}`;

describe('the comment thread', () => {
  it('shows approved top-level comments oldest first, with approved replies to replies, and hides the rest', async () => {
    const article = await f.makeArticle();
    const first = await f.makeComment(article, { body: 'First!', createdAt: minutesAgo(50) });
    const second = await f.makeComment(article, { body: 'Second', createdAt: minutesAgo(40) });
    await f.makeComment(article, { body: 'pending', status: CommentStatus.PENDING, createdAt: minutesAgo(45) });
    await f.makeComment(article, { body: 'spam', status: CommentStatus.SPAM, createdAt: minutesAgo(44) });
    await f.makeComment(article, { body: 'trash', status: CommentStatus.TRASH, createdAt: minutesAgo(43) });
    const reply = await f.makeComment(article, { parent: first, body: 'Reply to first', createdAt: minutesAgo(30) });
    await f.makeComment(article, { parent: first, body: 'pending reply', status: CommentStatus.PENDING, createdAt: minutesAgo(29) });
    await f.makeComment(article, { parent: reply, body: 'Reply to reply', createdAt: minutesAgo(20) });

    const response = await t.gql(THREAD, { id: article.id });
    expect(response.body.errors).toBeUndefined();
    const data = response.body.data?.article;
    expect(data.commentCount).toBe(4);
    expect(data.comments.totalCount).toBe(2);
    expect(data.comments.edges.map((edge: any) => edge.node.body)).toEqual(['First!', 'Second']);
    const [firstNode, secondNode] = data.comments.edges.map((edge: any) => edge.node);
    expect(firstNode).toMatchObject({ id: first.id, replyCount: 1, parent: null });
    expect(firstNode.replies).toEqual({
      totalCount: 1,
      edges: [{ node: { body: 'Reply to first', replyCount: 1, parent: { body: 'First!' }, replies: { edges: [{ node: { body: 'Reply to reply' } }] } } }],
    });
    expect(secondNode).toMatchObject({ id: second.id, replyCount: 0, replies: { totalCount: 0, edges: [] } });
    expect(JSON.stringify(response.body)).not.toMatch(/pending|spam|trash|@example/);
  });

  it('does not count replies under a comment that moderation took down', async () => {
    const article = await f.makeArticle();
    const shown = await f.makeComment(article);
    await f.makeComment(article, { parent: shown });
    const takenDown = await f.makeComment(article, { status: CommentStatus.SPAM });
    await f.makeComment(article, { parent: takenDown });
    const query = `query ($id: ID) { article(id: $id) { commentCount comments { totalCount } } }`;
    expect((await t.gql(query, { id: article.id })).body.data?.article).toEqual({ commentCount: 2, comments: { totalCount: 1 } });
    // The same through the loader (no look-ahead: a list of one article asked for by a different route).
    const viaList = await t.gql(`{ articles { edges { node { commentCount } } } }`);
    expect(viaList.body.data?.articles.edges[0].node.commentCount).toBe(2);
  });

  it('never offers the commenter e-mail address as a field', async () => {
    const article = await f.makeArticle();
    await f.makeComment(article);
    const response = await t.gql(`query ($id: ID) { article(id: $id) { comments { edges { node { authorEmail } } } } }`, { id: article.id });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('pages through a long thread without repeats, comments at the same instant included', async () => {
    const article = await f.makeArticle();
    const sameMoment = minutesAgo(10);
    for (let i = 0; i < 5; i++) await f.makeComment(article, { createdAt: sameMoment });
    for (let i = 0; i < 3; i++) await f.makeComment(article, { createdAt: minutesAgo(5 - i) });
    const seen = (await everyNode(t, THREAD, (data) => data.article.comments, { variables: { id: article.id, first: 3 } })).map((node) => node.id);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('rejects a bad comments page size or cursor with BAD_USER_INPUT', async () => {
    const article = await f.makeArticle();
    const query = `query ($id: ID, $first: Int, $after: String) { article(id: $id) { comments(first: $first, after: $after) { totalCount } } }`;
    for (const variables of [{ first: 0 }, { first: 101 }, { after: 'nope' }]) {
      const response = await t.gql(query, { id: article.id, ...variables });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].path).toEqual(['article', 'comments']);
    }
  });
});
