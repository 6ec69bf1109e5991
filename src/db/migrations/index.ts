import type { MigrationInterface } from 'typeorm';
import { CoreSchema1795819601947 } from './1795819601947-CoreSchema';
import { ReaderWrites1795821840481 } from './1795821840481-ReaderWrites';
import { EditorialTools1795824521607 } from './1795824521607-EditorialTools';
import { Analytics1795828528817 } from './1795828528817-Analytics';
import { PopularityWindows1795829951081 } from './1795829951081-PopularityWindows';
import { CommentCounts1795851415294 } from './1795851415294-CommentCounts';
import { CommentVisibleSubtrees1796397543295 } from './1796397543295-CommentVisibleSubtrees';
import { EmailCaseInsensitive1796398788311 } from './1796398788311-EmailCaseInsensitive';
import { ViewsPerClientArticle1796400555417 } from './1796400555417-ViewsPerClientArticle';

/** Every migration, oldest first. Generated with `npm run migration:generate`, reviewed, never edited once landed. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  CoreSchema1795819601947,
  ReaderWrites1795821840481,
  EditorialTools1795824521607,
  Analytics1795828528817,
  PopularityWindows1795829951081,
  CommentCounts1795851415294,
  CommentVisibleSubtrees1796397543295,
  EmailCaseInsensitive1796398788311,
  ViewsPerClientArticle1796400555417,
];
