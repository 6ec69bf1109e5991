import { In, type DataSource, type Repository } from 'typeorm';
import { toPage, type Page } from '../shared/pagination';
import { Author } from './author.entity';

/** Position in the author list, which is sorted by name with id as tie-breaker. */
export interface AuthorPosition {
  name: string;
  id: string;
}

export class AuthorService {
  private readonly repository: Repository<Author>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(Author);
  }

  findBySlug(slug: string): Promise<Author | null> {
    return this.repository.findOneBy({ slug });
  }

  /** Authors by id, in no particular order; unknown ids are absent. */
  findByIds(ids: readonly string[]): Promise<Author[]> {
    return this.repository.findBy({ id: In([...ids]) });
  }

  /** One page of authors in name order. */
  async list(first: number, after: AuthorPosition | null): Promise<Page<Author>> {
    const query = this.repository.createQueryBuilder('author').orderBy('author.name', 'ASC').addOrderBy('author.id', 'ASC').limit(first + 1);
    if (after) query.where('(author.name, author.id) > (:name, :id)', { name: after.name, id: after.id });
    return toPage(await query.getMany(), first);
  }

  count(): Promise<number> {
    return this.repository.count();
  }
}
