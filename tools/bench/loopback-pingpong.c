/* What a loopback round trip costs on this machine, when the waiting side blocks in read() and
 * when it spins: the floor under every Runtime API figure in BENCHMARKS.md. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <time.h>
#include <fcntl.h>
#include <errno.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){int spin=argc>1;int l=socket(AF_INET,SOCK_STREAM,0),one=1;struct sockaddr_in a={.sin_family=AF_INET};inet_pton(AF_INET,"127.0.0.1",&a.sin_addr);bind(l,(void*)&a,sizeof a);listen(l,1);socklen_t al=sizeof a;getsockname(l,(void*)&a,&al);
if(fork()==0){int c=socket(AF_INET,SOCK_STREAM,0);connect(c,(void*)&a,sizeof a);setsockopt(c,IPPROTO_TCP,TCP_NODELAY,&one,4);char b[64];for(;;){if(read(c,b,64)<=0)exit(0);write(c,b,1);}}
int s=accept(l,0,0);setsockopt(s,IPPROTO_TCP,TCP_NODELAY,&one,4);if(spin)fcntl(s,F_SETFL,O_NONBLOCK);char b[64];int n=20000;double t=now();for(int i=0;i<n;i++){write(s,"x",1);for(;;){ssize_t r=read(s,b,64);if(r>0)break;if(r<0&&errno==EAGAIN)continue;return 1;}}double d=now()-t;printf("%s: %.1f us per round trip, %.0f/s\n",spin?"spin":"block",d/n*1e6,n/d);close(s);return 0;}
