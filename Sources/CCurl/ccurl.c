#include "ccurl.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct {
    int (*global_init)(long flags);
    char *(*version)(void);
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
static char load_error[1024];
static char loaded_from[PATH_MAX + 32];

/* The carried library, `lib/` beside the executable: /var/task/lib on Lambda. It is opened by its
 * full path because Lambda's LD_LIBRARY_PATH searches /lib64 and /usr/lib64 before /var/task/lib,
 * so a name lookup would prefer whatever libcurl the image happens to hold. */
static int carried_path(char *path, size_t size) {
    char executable[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return -1;
    executable[length] = 0;
    char *slash = strrchr(executable, '/');
    if (!slash) return -1;
    *slash = 0;
    int written = snprintf(path, size, "%s/lib/" CCURL_CARRIED_NAME, executable);
    return written > 0 && (size_t)written < size ? 0 : -1;
}

static void load(void) {
    char carried[PATH_MAX + 32];
    void *library = NULL;
    char carried_error[400] = "";
    if (carried_path(carried, sizeof carried) == 0) {
        if (access(carried, F_OK) == 0) {
            library = dlopen(carried, RTLD_NOW | RTLD_LOCAL);
            if (library) snprintf(loaded_from, sizeof loaded_from, "%s", carried);
            else snprintf(carried_error, sizeof carried_error, "%s", dlerror());
        }
    }
    if (!library && !carried_error[0]) {
        /* A development build (swift build) has no lib/ beside it and uses the system's libcurl. */
        library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (library) snprintf(loaded_from, sizeof loaded_from, "libcurl.so.4 (the system's)");
    }
    if (!library) {
        if (carried_error[0])
            snprintf(load_error, sizeof load_error, "cannot load the carried libcurl: %s; rebuild the zip with 'make package'", carried_error);
        else
            snprintf(load_error, sizeof load_error,
                     "cannot load libcurl: neither lib/" CCURL_CARRIED_NAME " beside the executable nor a system libcurl.so.4 (%s); "
                     "deploy the zip 'make package' writes, which carries it", dlerror());
        return;
    }
#define RESOLVE(field, name)                                                                      \
    if (!(*(void **)&api.field = dlsym(library, name))) {                                         \
        snprintf(load_error, sizeof load_error, "%s lacks %s: it is older than 7.x", loaded_from, name); \
        api.easy_init = NULL;                                                                     \
        return;                                                                                   \
    }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(version, "curl_version")
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

const char *ccurl_loaded_from(void) { return loaded_from; }
const char *ccurl_version(void) { return api.version(); }
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
