/* Finding 22 (docs/validation.md): as finding 19's interrupt-stall.c, but the signal is the synthetic device's:
 * a thread on CPU 1 posts a CQE with IORING_OP_MSG_RING into ring B (the real loop's backend ring), while the
 * spinner on CPU 0 owns ring A with an io_uring POLL_ADD armed on ring B's fd (first argument 1) or not (0).
 * Prints p10/p50/p90 over 2000 rounds of the spinner's largest gap between two clock reads, when it began after
 * the post's start, when the spinner first saw ring B's CQE ('seen'), and how long the post took the writer.
 *   gcc -O2 -o msgring-stall msgring-stall.c -luring -lpthread
 *   for a in 1 0; do chrt -f 10 ./msgring-stall $a; done
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
static long long now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static struct io_uring ringA, ringB, ringC; static _Atomic int phase; static _Atomic long long t_start, t_end;
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static void *writer(void*a){pin(1);for(;;){while(atomic_load(&phase)!=1){if(atomic_load(&phase)==3)return 0;}
 long long s=now(); atomic_store(&t_start,s);
 struct io_uring_sqe*sqe=io_uring_get_sqe(&ringC); io_uring_prep_msg_ring(sqe,ringB.ring_fd,0,42,0);
 sqe->flags|=IOSQE_CQE_SKIP_SUCCESS; io_uring_submit(&ringC);
 atomic_store(&t_end,now()); atomic_store(&phase,2);} }
int cmp(const void*a,const void*b){long long x=*(long long*)a,y=*(long long*)b;return x<y?-1:x>y;}
#define N 2000
long long gl[N],gs[N],se[N],wd[N];
int main(int argc,char**argv){ int armed=atoi(argv[1]);
 io_uring_queue_init(64,&ringA,0); io_uring_queue_init(64,&ringB,0); io_uring_queue_init(64,&ringC,0);
 pthread_t th; pthread_create(&th,0,writer,0); usleep(100000); pin(0);
 for(int i=0;i<N;i++){
  if(armed){struct io_uring_sqe*sqe=io_uring_get_sqe(&ringA); io_uring_prep_poll_add(sqe,ringB.ring_fd,POLLIN); io_uring_submit(&ringA);}
  long long w=now(); while(now()-w<20000){}
  atomic_store(&t_start,0); atomic_store(&phase,1);
  long long prev=now(), best=0, bstart=0, seen=0, st=0, begin=prev;
  for(;;){ long long x=now(); if(x-prev>best){best=x-prev;bstart=prev;} prev=x;
    if(!seen && io_uring_cq_ready(&ringB)) seen=x;
    if(x-begin>60000) break; }
  while(atomic_load(&phase)!=2){}
  st=atomic_load(&t_start); gl[i]=best; gs[i]=bstart-st; se[i]=seen?seen-st:0; wd[i]=atomic_load(&t_end)-st;
  struct io_uring_cqe*c;
  if(armed){io_uring_wait_cqe(&ringA,&c); io_uring_cqe_seen(&ringA,c);}
  io_uring_wait_cqe(&ringB,&c); io_uring_cqe_seen(&ringB,c); atomic_store(&phase,0);
 }
 atomic_store(&phase,3); pthread_join(th,0);
 qsort(gl,N,8,cmp); qsort(gs,N,8,cmp); qsort(se,N,8,cmp); qsort(wd,N,8,cmp);
#define Q(a) a[N/10]/1e3,a[N/2]/1e3,a[N*9/10]/1e3
 printf("armed %d: largest stall %.1f/%.1f/%.1f us starting at post+%.1f/%.1f/%.1f; seen %.1f/%.1f/%.1f; post %.1f/%.1f/%.1f\n",armed,Q(gl),Q(gs),Q(se),Q(wd));
}
