#define _GNU_SOURCE
/* The floor for `make bench`: the least a Lambda runtime can do per invocation over one kept-alive
 * socket (GET next, POST the event back), with no parsing beyond the request id and length. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 16];

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 2;
    char host[64];
    const char *colon = strrchr(api, ':');
    snprintf(host, sizeof host, "%.*s", (int)(colon - api), api);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(colon + 1))};
    inet_pton(AF_INET, host, &addr.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const char next[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
    for (;;) {
        if (write(fd, next, sizeof next - 1) < 0) return 1;
        size_t have = 0;
        char *end = NULL;
        while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
            ssize_t n = read(fd, buf + have, sizeof buf - have);
            if (n <= 0) return 0;
            have += n;
        }
        char id[128] = {0};
        char *h = strcasestr(buf, "Lambda-Runtime-Aws-Request-Id: ");
        if (h) sscanf(h + 31, "%127[^\r]", id);
        char *cl = strcasestr(buf, "Content-Length: ");
        size_t length = cl ? strtoul(cl + 16, NULL, 10) : 0;
        char *body = end + 4;
        while ((size_t)(buf + have - body) < length) {
            ssize_t n = read(fd, buf + have, sizeof buf - have);
            if (n <= 0) return 0;
            have += n;
        }
        char head[256];
        int headLength = snprintf(head, sizeof head,
            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n", id, length);
        char out[sizeof head + sizeof buf];
        memcpy(out, head, headLength);
        memcpy(out + headLength, body, length);
        if (write(fd, out, headLength + length) < 0) return 1;
        have = 0;
        while (!(end = memmem(buf, have, "\r\n\r\n", 4)) || (size_t)(buf + have - end - 4) < 16) {
            ssize_t n = read(fd, buf + have, sizeof buf - have);
            if (n <= 0) return 0;
            have += n;
        }
    }
}
