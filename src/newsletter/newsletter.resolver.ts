import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { NewsletterSubscription } from './newsletter.entity';
import { NewsletterSignupStatus, SubscribeToNewsletterInput, SubscribeToNewsletterPayload } from './newsletter.inputs';

const SIGNED_UP: SubscribeToNewsletterPayload = Object.freeze({
  status: NewsletterSignupStatus.PENDING_CONFIRMATION,
  message: 'Check your inbox: we have sent you a link to confirm your subscription.',
});

@Resolver(() => NewsletterSubscription)
export class NewsletterResolver {
  @Mutation(() => SubscribeToNewsletterPayload, { description: 'Double opt-in: sends a confirmation link. The answer is the same for every address.' })
  async subscribeToNewsletter(@Arg('input', () => SubscribeToNewsletterInput) input: SubscribeToNewsletterInput, @Ctx() { services, client }: RequestContext) {
    await services.newsletter.subscribe(input, client);
    return SIGNED_UP;
  }

  @Mutation(() => NewsletterSubscription, { description: 'Confirms a sign-up with the token from the confirmation mail.' })
  confirmNewsletterSubscription(@Arg('token', () => String) token: string, @Ctx() { services }: RequestContext): Promise<NewsletterSubscription> {
    return services.newsletter.confirm(token);
  }

  @Mutation(() => NewsletterSubscription, { description: 'Unsubscribes with the token from any newsletter mail.' })
  unsubscribeFromNewsletter(@Arg('token', () => String) token: string, @Ctx() { services }: RequestContext): Promise<NewsletterSubscription> {
    return services.newsletter.unsubscribe(token);
  }
}
