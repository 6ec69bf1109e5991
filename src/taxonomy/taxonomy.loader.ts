import type DataLoader from 'dataloader';
import { byIdLoader, mapLoader } from '../shared/loaders';
import type { Section } from './section.entity';
import type { Tag } from './tag.entity';
import type { TaxonomyService } from './taxonomy.service';

/** Per-request loaders for sections and tags. */
export class TaxonomyLoaders {
  readonly sectionById: DataLoader<string, Section | null>;
  readonly tagsByArticle: DataLoader<string, Tag[]>;

  constructor(taxonomy: TaxonomyService) {
    this.sectionById = byIdLoader((ids) => taxonomy.findSectionsByIds(ids));
    this.tagsByArticle = mapLoader((articleIds) => taxonomy.tagsOfArticles(articleIds), []);
  }
}
