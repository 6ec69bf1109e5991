import { In, type DataSource, type Repository } from 'typeorm';
import { pageByName, type NamePosition } from '../db/rows';
import type { Page } from '../shared/pagination';
import { Author } from './author.entity';

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
  list(first: number, after: NamePosition | null): Promise<Page<Author>> {
    return pageByName(this.repository, first, after);
  }

  count(): Promise<number> {
    return this.repository.count();
  }
}
