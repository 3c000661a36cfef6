#include "ccurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    int (*global_init)(long flags);
    CCurlHandle *(*easy_init)(void);
    void (*easy_cleanup)(CCurlHandle *);
    void (*easy_reset)(CCurlHandle *);
    int (*easy_perform)(CCurlHandle *);
    const char *(*easy_strerror)(int);
    int (*easy_setopt)(CCurlHandle *, int, ...);
    int (*easy_getinfo)(CCurlHandle *, int, ...);
    CCurlList *(*slist_append)(CCurlList *, const char *);
    void (*slist_free_all)(CCurlList *);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void) {
    /* libcurl.so.4 is the ABI name on Debian and Amazon Linux alike. */
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "cannot load libcurl.so.4 (%s); install libcurl (Debian: libcurl4)", dlerror());
        return;
    }
#define RESOLVE(field, name)                                                                     \
    if (!(*(void **)&api.field = dlsym(library, name))) {                                        \
        snprintf(load_error, sizeof load_error, "libcurl.so.4 lacks %s: it is older than 7.x", name); \
        return;                                                                                  \
    }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_reset, "curl_easy_reset")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
#undef RESOLVE
    /* CURL_GLOBAL_DEFAULT; done here, once, because it is not thread-safe. */
    if (api.global_init(3) != 0) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed");
        api.easy_init = NULL;
    }
}

int ccurl_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (api.easy_init && !load_error[0]) return 0;
    snprintf(error, error_size, "%s", load_error[0] ? load_error : "libcurl is not loaded");
    return -1;
}

CCurlHandle *ccurl_easy_init(void) { return api.easy_init(); }
void ccurl_easy_cleanup(CCurlHandle *handle) { api.easy_cleanup(handle); }
void ccurl_easy_reset(CCurlHandle *handle) { api.easy_reset(handle); }
int ccurl_easy_perform(CCurlHandle *handle) { return api.easy_perform(handle); }
const char *ccurl_easy_strerror(int code) { return api.easy_strerror(code); }
int ccurl_setopt_long(CCurlHandle *handle, int option, long value) { return api.easy_setopt(handle, option, value); }
int ccurl_setopt_pointer(CCurlHandle *handle, int option, const void *value) { return api.easy_setopt(handle, option, value); }
int ccurl_setopt_size(CCurlHandle *handle, int option, long long value) { return api.easy_setopt(handle, option, value); }
int ccurl_setopt_callback(CCurlHandle *handle, int option, CCurlWriteCallback callback) { return api.easy_setopt(handle, option, callback); }
int ccurl_getinfo_long(CCurlHandle *handle, int info, long *value) { return api.easy_getinfo(handle, info, value); }
CCurlList *ccurl_slist_append(CCurlList *list, const char *text) { return api.slist_append(list, text); }
void ccurl_slist_free_all(CCurlList *list) { api.slist_free_all(list); }
