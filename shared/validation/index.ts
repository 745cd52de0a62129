// zod/mini with English messages. The library's schemas use `zod/mini` (functional checks,
// tree-shaken to a few KB) instead of classic `zod` (about 450 KB in a bundle): every consumer
// function ships them. zod/mini reports "Invalid input" for every issue unless a locale is
// loaded; this module passes the English one per parse, so messages read the same as classic
// zod's without changing zod's global configuration for anyone else.
export { safeParse } from './parse.ts';
