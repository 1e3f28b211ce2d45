/* Simple glob matching for access lists. */
#ifndef QD_UTIL_GLOB_H
#define QD_UTIL_GLOB_H

#include <stdbool.h>

/* libvirt-compat: g_pattern_match_simple(), which libvirt matches its
 * tls_allowed_dn_list and sasl_allowed_username_list with: '*' any string,
 * '?' one UTF-8 character, nothing else special (a '\' or '[' in a DN or
 * user name is literal, unlike fnmatch). Any thread. */
bool qd_glob_match(const char *pattern, const char *s);

#endif
