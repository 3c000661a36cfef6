#ifndef CCURL_H
#define CCURL_H

/* libcurl, loaded with dlopen on first use: init stays fast (no libcurl at exec), the binary binds
 * to no versioned symbol of one distribution's build (Debian's CURL_OPENSSL_4), and no -dev
 * package is needed to build. The zip carries its own build (tools/curl): lib/CCURL_CARRIED_NAME,
 * libcurl with OpenSSL linked in, needing only glibc. The numbers below are libcurl's stable ABI
 * (curl.h, 7.x and 8.x). */

#include <stddef.h>

#define CCURL_CARRIED_NAME "libcurl-staging-refresh.so"

typedef void CCurlHandle;
typedef struct curl_slist CCurlList;
typedef size_t (*CCurlWriteCallback)(char *data, size_t size, size_t count, void *context);

enum {
    CCURLOPT_WRITEDATA = 10001,
    CCURLOPT_URL = 10002,
    CCURLOPT_ERRORBUFFER = 10010,
    CCURLOPT_POSTFIELDS = 10015,
    CCURLOPT_HTTPHEADER = 10023,
    CCURLOPT_HEADERDATA = 10029,
    CCURLOPT_CUSTOMREQUEST = 10036,
    CCURLOPT_CAINFO = 10065,
    CCURLOPT_WRITEFUNCTION = 20011,
    CCURLOPT_HEADERFUNCTION = 20079,
    CCURLOPT_POSTFIELDSIZE_LARGE = 30120,
    CCURLOPT_NOBODY = 44,
    CCURLOPT_POST = 47,
    CCURLOPT_HTTPGET = 80,
    CCURLOPT_HTTP_VERSION = 84,
    CCURLOPT_NOSIGNAL = 99,
    CCURLOPT_TCP_NODELAY = 121,
    CCURLOPT_TIMEOUT_MS = 155,
    CCURLOPT_CONNECTTIMEOUT_MS = 156,
    CCURLOPT_PROTOCOLS = 181,
    CCURLOPT_REDIR_PROTOCOLS = 182,
    CCURLPROTO_HTTP_HTTPS = 3,
    CCURL_HTTP_VERSION_1_1 = 2,
    CCURLINFO_RESPONSE_CODE = 0x200002,
    CCURL_ERROR_SIZE = 256,
};

/* Loads libcurl once. Returns 0, or -1 with the reason in `error`. */
int ccurl_load(char *error, size_t error_size);
/* After a successful load: the file it came from, and curl_version() ("libcurl/7.88.1 OpenSSL/…"). */
const char *ccurl_loaded_from(void);
const char *ccurl_version(void);

CCurlHandle *ccurl_easy_init(void);
void ccurl_easy_cleanup(CCurlHandle *handle);
void ccurl_easy_reset(CCurlHandle *handle);
int ccurl_easy_perform(CCurlHandle *handle);
const char *ccurl_easy_strerror(int code);

/* curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind. */
int ccurl_setopt_long(CCurlHandle *handle, int option, long value);
int ccurl_setopt_pointer(CCurlHandle *handle, int option, const void *value);
int ccurl_setopt_size(CCurlHandle *handle, int option, long long value);
int ccurl_setopt_callback(CCurlHandle *handle, int option, CCurlWriteCallback callback);
int ccurl_getinfo_long(CCurlHandle *handle, int info, long *value);

CCurlList *ccurl_slist_append(CCurlList *list, const char *text);
void ccurl_slist_free_all(CCurlList *list);

#endif
