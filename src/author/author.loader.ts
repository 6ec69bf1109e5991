import type DataLoader from 'dataloader';
import { byIdLoader } from '../shared/loaders';
import type { Author } from './author.entity';
import type { AuthorService } from './author.service';

/** Per-request loaders for authors. */
export class AuthorLoaders {
  readonly byId: DataLoader<string, Author | null>;

  constructor(authors: AuthorService) {
    this.byId = byIdLoader((ids) => authors.findByIds(ids));
  }
}
