/* fold.h: folding text for search: one spelling for every way a place name is written
 * (case, Latin accents, Azerbaijani letters, Cyrillic case). */
#ifndef DEMINE_FOLD_H
#define DEMINE_FOLD_H
#include <stddef.h>

/* Folds UTF-8 text for matching: ASCII and Latin letters lower-cased with their accents
 * removed (Füzuli, FÜZULİ -> fuzuli; ß -> ss, æ -> ae, œ -> oe), Azerbaijani ə ı İ ğ ş ç ö ü
 * -> e i i g s c o u, Cyrillic lower-cased (Физули -> физули, ё -> е, Azerbaijani Cyrillic
 * letters included), combining accents (U+0300-U+036F) dropped. Other characters are kept
 * as they are; a byte that is not valid UTF-8 becomes '?'.
 * Returns a new NUL-terminated string (caller frees with free()), or NULL when out of memory. */
char *dm_fold(const char *s);
/* 1 if s is valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). */
int dm_utf8_valid(const char *s);

#endif
