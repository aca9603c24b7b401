/* Finding 19 (docs/validation.md): a thread on CPU 0 spins on its clock for 60 us (with getppid(2) between the
 * reads when the second argument is 1) while a thread on CPU 1 writes an eventfd, with an io_uring POLL_ADD armed
 * on it (first argument 1) or not. Prints p10/p50/p90 over 2000 rounds of the spinner's largest gap between two
 * clock reads and when it began after the write; 'seen': the clock read before the CQE check that first found the
 * POLL_ADD's completion (without system calls that check follows the stall). Build and run:
 *   gcc -O2 -o interrupt-stall interrupt-stall.c -luring -lpthread
 *   for a in 1 0; do for s in 0 1; do chrt -f 10 ./interrupt-stall $a $s; done; done
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <sys/eventfd.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/syscall.h>
static long long now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static int efd; static _Atomic int phase; static _Atomic long long t_start, t_end; static int armed;
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static void *writer(void*a){pin(1);for(;;){while(atomic_load(&phase)!=1){if(atomic_load(&phase)==3)return 0;}
 long long s=now(); uint64_t v=1; atomic_store(&t_start,s); write(efd,&v,8); atomic_store(&t_end,now()); atomic_store(&phase,2);} }
int cmp(const void*a,const void*b){long long x=*(long long*)a,y=*(long long*)b;return x<y?-1:x>y;}
#define N 2000
long long gl[N],gs[N],se[N],wd[N];
int main(int argc,char**argv){ armed=atoi(argv[1]); int sys=atoi(argv[2]);
 struct io_uring ring; io_uring_queue_init(64,&ring,0); efd=eventfd(0,EFD_NONBLOCK);
 pthread_t th; pthread_create(&th,0,writer,0); usleep(100000); pin(0);
 for(int i=0;i<N;i++){
  if(armed){struct io_uring_sqe*sqe=io_uring_get_sqe(&ring); io_uring_prep_poll_add(sqe,efd,POLLIN); io_uring_submit(&ring);}
  long long w=now(); while(now()-w<20000){}
  atomic_store(&t_start,0); atomic_store(&phase,1);
  long long prev=now(), best=0, bstart=0, seen=0, st=0, begin=prev;
  for(;;){ if(sys) syscall(SYS_getppid); long long x=now(); if(x-prev>best){best=x-prev;bstart=prev;} prev=x;
    if(!seen && armed && io_uring_cq_ready(&ring)) seen=x;
    if(x-begin>60000) break; }
  while(atomic_load(&phase)!=2){}
  st=atomic_load(&t_start); gl[i]=best; gs[i]=bstart-st; se[i]=seen?seen-st:0; wd[i]=atomic_load(&t_end)-st;
  if(armed){struct io_uring_cqe*c; io_uring_wait_cqe(&ring,&c); io_uring_cqe_seen(&ring,c);} uint64_t v; read(efd,&v,8); atomic_store(&phase,0);
 }
 atomic_store(&phase,3); pthread_join(th,0);
 qsort(gl,N,8,cmp); qsort(gs,N,8,cmp); qsort(se,N,8,cmp); qsort(wd,N,8,cmp);
#define Q(a) a[N/10]/1e3,a[N/2]/1e3,a[N*9/10]/1e3
 printf("armed %d syscalls %d: largest stall %.1f/%.1f/%.1f us starting at write+%.1f/%.1f/%.1f; seen %.1f/%.1f/%.1f; write %.1f/%.1f/%.1f\n",armed,sys,Q(gl),Q(gs),Q(se),Q(wd));
}
