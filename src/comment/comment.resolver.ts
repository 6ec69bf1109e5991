import { Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Article } from '../article/article.entity';
import type { RequestContext } from '../context';
import { PageArgs, paginatedComplexity } from '../shared/pagination';
import { CommentConnection, replyConnection } from './comment.connections';
import { Comment } from './comment.entity';

@Resolver(() => Comment)
export class CommentResolver {
  @FieldResolver(() => Int, { description: 'Approved direct replies.' })
  replyCount(@Root() comment: Comment, @Ctx() { loaders }: RequestContext): Promise<number> {
    return loaders.comments.replyCount.load(comment.id);
  }

  @FieldResolver(() => CommentConnection, { description: 'Approved direct replies, oldest first.', complexity: paginatedComplexity() })
  replies(@Root() comment: Comment, @Args() page: PageArgs, @Ctx() { loaders }: RequestContext): Promise<CommentConnection> {
    return replyConnection(loaders, comment.id, page);
  }

  @FieldResolver(() => Comment, { nullable: true, description: 'The comment this one replies to; null for a top-level comment.' })
  parent(@Root() comment: Comment, @Ctx() { loaders }: RequestContext): Promise<Comment | null> | null {
    return comment.parentId ? loaders.comments.byId.load(comment.parentId) : null;
  }

  @FieldResolver(() => Article, { nullable: true, description: 'The article under which the comment was left.' })
  article(@Root() comment: Comment, @Ctx() { loaders }: RequestContext): Promise<Article | null> {
    return loaders.articles.byId.load(comment.articleId);
  }
}
