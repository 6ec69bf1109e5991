import type { MigrationInterface } from 'typeorm';
import { CoreSchema1795819601947 } from './1795819601947-CoreSchema';

/** Every migration, oldest first. Generated with `npm run migration:generate`, reviewed, never edited once landed. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [CoreSchema1795819601947];
