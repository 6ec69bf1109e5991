/**
 * The two pages every news site serves most, as GraphQL operations. The benchmark loads them and the batching test
 * counts their SQL statements, so both measure the same thing.
 */
export const FRONT_PAGE_QUERY = `query FrontPage($first: Int = 20, $comments: Int = 5) {
  articles(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id slug title excerpt publishedAt url readingTimeMinutes
        featuredImage { url alt }
        author { name slug avatarUrl }
        section { name slug }
        tags { name slug }
        commentCount
        comments(first: $comments) {
          edges { node { id authorName body createdAt replyCount } }
        }
      }
    }
  }
}`;

export const ARTICLE_PAGE_QUERY = `query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id slug title excerpt body publishedAt updatedAt url wordCount readingTimeMinutes
    featuredImage { url alt caption }
    shareLinks { x facebook linkedIn email }
    author { name slug bio avatarUrl }
    section { name slug }
    tags { name slug }
    commentCount
    comments(first: 20) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id authorName body createdAt replyCount
          replies(first: 10) {
            pageInfo { hasNextPage endCursor }
            edges { node { id authorName body createdAt replyCount } }
          }
        }
      }
    }
    relatedArticles(first: 5) {
      score reasons
      article { slug title publishedAt url author { name } section { name } }
    }
  }
}`;

/** The page's "Popular" box: the week's most read articles with what a teaser shows. */
export const POPULAR_QUERY = `query Popular($first: Int = 10) {
  popularArticles(window: LAST_7_DAYS, first: $first) {
    rank views
    article { id slug title url publishedAt author { name } section { name slug } }
  }
}`;

/** What a reader's browser sends once per article page. */
export const RECORD_VIEW_MUTATION = `mutation View($input: ArticleViewInput!) { recordArticleView(input: $input) { counted outcome } }`;
