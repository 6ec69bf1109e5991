import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import type { RequestContext } from '../context';
import { AppError } from '../shared/errors';
import { connectionOf, createdCursor, PageArgs, paginatedComplexity } from '../shared/pagination';
import { TrimmedLength } from '../shared/validation';
import { ApiToken } from './api-token.entity';
import { staffOf } from './auth-checker';
import { TOKEN_MAX_EXPIRY_DAYS, TOKEN_NAME_MAX_LENGTH } from './auth.service';
import { Role } from './role';

@ObjectType({ description: 'Who the API token in this request belongs to.' })
export class ViewerInfo {
  @Field(() => String)
  name: string;

  @Field(() => Role)
  role: Role;

  @Field(() => ID, { nullable: true, description: 'For AUTHOR tokens: the byline they write under.' })
  authorId: string | null;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: 'Whose token it is; shown in the audit log.' })
  @TrimmedLength(1, TOKEN_NAME_MAX_LENGTH, { tooShort: 'Give the token a name', tooLong: `A token name is at most ${TOKEN_NAME_MAX_LENGTH} characters` })
  name: string;

  @Field(() => Role)
  role: Role;

  @Field(() => ID, { nullable: true, description: 'Required for AUTHOR: the byline the token writes under.' })
  @IsOptional()
  @MaxLength(100)
  authorId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Days until the token stops working; none for no expiry.' })
  @IsOptional()
  @Min(1)
  @Max(TOKEN_MAX_EXPIRY_DAYS)
  expiresInDays?: number | null;
}

@ObjectType()
export class CreateApiTokenPayload {
  @Field(() => String, { description: 'The token. Shown this once: store it now; Masthead keeps only its hash.' })
  token: string;

  @Field(() => ApiToken)
  apiToken: ApiToken;
}

export const ApiTokenConnection = connectionOf('ApiToken', ApiToken);
export type ApiTokenConnection = InstanceType<typeof ApiTokenConnection>;
const tokenCursor = createdCursor<ApiToken>('api-tokens');

@Resolver()
export class AuthResolver {
  @Query(() => ViewerInfo, { nullable: true, description: 'The staff member behind the Authorization header; null without one.' })
  viewer(@Ctx() { viewer }: RequestContext): ViewerInfo | null {
    if (viewer.kind === 'invalid') throw new AppError('UNAUTHENTICATED', viewer.reason);
    return viewer.kind === 'staff' ? { name: viewer.name, role: viewer.role, authorId: viewer.authorId } : null;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateApiTokenPayload, { description: 'Issues a staff API token (ADMIN).' })
  async createApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() context: RequestContext): Promise<CreateApiTokenPayload> {
    const { token, record } = await context.services.auth.issue(input, staffOf(context));
    return { token, apiToken: record };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiToken, { description: 'Revokes a token at once (ADMIN).' })
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<ApiToken> {
    return context.services.auth.revoke(id, staffOf(context));
  }

  @Authorized(Role.ADMIN)
  @Query(() => ApiTokenConnection, { description: 'All API tokens, newest first (ADMIN).', complexity: paginatedComplexity() })
  async apiTokens(@Args() { first, after }: PageArgs, @Ctx() { services }: RequestContext): Promise<ApiTokenConnection> {
    const page = await services.auth.list(first, tokenCursor.decode(after));
    return ApiTokenConnection.build(page, tokenCursor.encode, () => services.auth.count(), after);
  }
}
