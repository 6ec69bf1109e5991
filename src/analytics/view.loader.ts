import type DataLoader from 'dataloader';
import { mapLoader } from '../shared/loaders';
import type { AnalyticsService } from './analytics.service';

/** Per-request loaders for view counts. */
export class ViewLoaders {
  /** All-time counted views per article (0 for none), from article_view_total. */
  readonly viewCount: DataLoader<string, number>;

  constructor(analytics: AnalyticsService) {
    this.viewCount = mapLoader((ids) => analytics.viewCounts(ids), 0);
  }
}
