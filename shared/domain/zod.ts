// The one way this code imports zod: zod/mini, its tree-shakable form, so a Lambda bundle
// holds only the checks its schemas use (the classic API is about 450 kB in every bundle).
// Import it as a namespace, `import * as z from './zod.js'`: a bundler then keeps only what
// is used. Referring to `z.core` or `z.locales` at run time (not in types) pulls every
// module back in, as would importing `{ z }` from 'zod/mini'.
//
// zod/mini ships without messages ("Invalid input" for everything). The English locale is
// set here, by the module every schema module imports, so it is set before any parse; only
// English is imported, as `locales.en()` would bundle every language.

import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
