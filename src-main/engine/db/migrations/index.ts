// Numbered migrations. The case's schema version is PRAGMA user_version; migration N brings
// a case from N-1 to N. Append only: never edit a migration that has shipped.
import * as m0001 from './0001_init';
import * as m0002 from './0002_features';
import * as m0003 from './0003_injections';
import * as m0004 from './0004_models';
import * as m0005 from './0005_rules';
import * as m0006 from './0006_detector_kinds';
import * as m0007 from './0007_import_layouts';
import * as m0008 from './0008_column_chunks';
import * as m0009 from './0009_log_format';
import * as m0010 from './0010_evaluations';
import * as m0011 from './0011_verdict_log';

export interface Migration {
  version: number;
  up: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, up: m0001.up },
  { version: 2, up: m0002.up },
  { version: 3, up: m0003.up },
  { version: 4, up: m0004.up },
  { version: 5, up: m0005.up },
  { version: 6, up: m0006.up },
  { version: 7, up: m0007.up },
  { version: 8, up: m0008.up },
  { version: 9, up: m0009.up },
  { version: 10, up: m0010.up },
  { version: 11, up: m0011.up },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
