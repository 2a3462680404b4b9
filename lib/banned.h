/* banned.h: functions that are too easy to misuse; using them is a compile error. */
#ifndef DM_BANNED_H
#define DM_BANNED_H
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#define DM_BANNED(f) sorry_##f##_is_banned_use_a_bounded_alternative
#undef strcpy
#define strcpy(a, b) DM_BANNED(strcpy)
#undef strcat
#define strcat(a, b) DM_BANNED(strcat)
#undef sprintf
#define sprintf(...) DM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) DM_BANNED(vsprintf)
#undef strtok
#define strtok(a, b) DM_BANNED(strtok)
#undef atoi
#define atoi(a) DM_BANNED(atoi)
#undef gets
#define gets(a) DM_BANNED(gets)
#endif
