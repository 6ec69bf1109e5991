import { Args, ArgsType, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { connectionOf, createdCursor, PageArgs, paginatedComplexity } from '../shared/pagination';
import { NewsletterStatus, type NewsletterSubscription } from './newsletter.entity';

@ObjectType({ description: 'A newsletter sign-up with its address, for ADMIN exports.', simpleResolvers: true })
export class NewsletterSubscriber {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  email: string;

  @Field(() => NewsletterStatus)
  status: NewsletterStatus;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  confirmedAt: Date | null;

  @Field(() => Date, { nullable: true })
  unsubscribedAt: Date | null;

  @Field(() => ID, { nullable: true, description: 'The article whose "Subscribe" box was used.' })
  sourceArticleId: string | null;

  @Field(() => String, { nullable: true })
  referrer: string | null;
}

@ObjectType()
export class NewsletterStats {
  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  confirmed: number;

  @Field(() => Int)
  unsubscribed: number;

  @Field(() => Int)
  total: number;
}

@ArgsType()
export class SubscribersArgs extends PageArgs {
  @Field(() => NewsletterStatus, { nullable: true, description: 'All statuses when left out.' })
  @IsOptional()
  status?: NewsletterStatus | null;
}

export const NewsletterSubscriberConnection = connectionOf('NewsletterSubscriber', NewsletterSubscriber);
export type NewsletterSubscriberConnection = InstanceType<typeof NewsletterSubscriberConnection>;
const subscriberCursor = createdCursor<NewsletterSubscriber>('subscribers');

function forAdmins(subscription: NewsletterSubscription): NewsletterSubscriber {
  const { id, email, status, createdAt, confirmedAt, unsubscribedAt, sourceArticleId, referrer } = subscription;
  return { id, email, status, createdAt, confirmedAt, unsubscribedAt, sourceArticleId, referrer };
}

@Resolver()
export class NewsletterAdminResolver {
  @Authorized(Role.ADMIN)
  @Query(() => NewsletterSubscriberConnection, { description: 'Sign-ups with addresses, oldest first (ADMIN).', complexity: paginatedComplexity() })
  async newsletterSubscribers(@Args() { status, first, after }: SubscribersArgs, @Ctx() { services }: RequestContext): Promise<NewsletterSubscriberConnection> {
    const page = await services.newsletter.subscribers(status ?? null, first, subscriberCursor.decode(after));
    return NewsletterSubscriberConnection.build(
      { items: page.items.map(forAdmins), hasNextPage: page.hasNextPage },
      subscriberCursor.encode,
      async () => {
        const stats = await services.newsletter.stats();
        return status ? stats[status] : stats.PENDING + stats.CONFIRMED + stats.UNSUBSCRIBED;
      },
      after,
    );
  }

  @Authorized(Role.ADMIN, Role.ANALYST)
  @Query(() => NewsletterStats, { description: 'Sign-ups by status (ADMIN, ANALYST).' })
  async newsletterStats(@Ctx() { services }: RequestContext): Promise<NewsletterStats> {
    const stats = await services.newsletter.stats();
    return { pending: stats.PENDING, confirmed: stats.CONFIRMED, unsubscribed: stats.UNSUBSCRIBED, total: stats.PENDING + stats.CONFIRMED + stats.UNSUBSCRIBED };
  }
}
