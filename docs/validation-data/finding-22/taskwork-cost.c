/* Finding 22 (docs/validation.md): what a system call's return pays to run an fd event's task_work. A thread on
 * CPU 0 arms an io_uring POLL_ADD on an eventfd; a thread on CPU 1 writes the eventfd. 2.5 us after the write began
 * (the task_work is queued 1.4 us in, the interrupt lands 5-6 us in: finding 19), the first thread times one
 * getppid(2), whose return runs the task_work; rounds where the CQE was there after it and not before count. The
 * same getppid with nothing pending is the baseline. Prints p10/p50/p90 of both.
 *   gcc -O2 -o taskwork-cost taskwork-cost.c -luring -lpthread && chrt -f 10 ./taskwork-cost
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
static long long now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static int efd; static _Atomic int phase; static _Atomic long long t_start;
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static void *writer(void*a){pin(1);for(;;){while(atomic_load(&phase)!=1){if(atomic_load(&phase)==3)return 0;}
 uint64_t v=1; atomic_store(&t_start,now()); write(efd,&v,8); atomic_store(&phase,2);} }
int cmp(const void*a,const void*b){long long x=*(long long*)a,y=*(long long*)b;return x<y?-1:x>y;}
#define N 2000
long long with[N], plain[N]; int nw=0;
int main(void){
 struct io_uring ring; io_uring_queue_init(64,&ring,0); efd=eventfd(0,EFD_NONBLOCK);
 pthread_t th; pthread_create(&th,0,writer,0); usleep(100000); pin(0);
 for(int i=0;i<N;i++){
  long long s=now(); syscall(SYS_getppid); plain[i]=now()-s;
  struct io_uring_sqe*sqe=io_uring_get_sqe(&ring); io_uring_prep_poll_add(sqe,efd,POLLIN); io_uring_submit(&ring);
  long long w=now(); while(now()-w<20000){}
  atomic_store(&t_start,0); atomic_store(&phase,1);
  long long st; while((st=atomic_load(&t_start))==0){}
  while(now()-st<2500){}
  int before=io_uring_cq_ready(&ring);
  s=now(); syscall(SYS_getppid); long long d=now()-s;
  int after=io_uring_cq_ready(&ring);
  if(!before && after) with[nw++]=d;
  while(atomic_load(&phase)!=2){}
  struct io_uring_cqe*c; io_uring_wait_cqe(&ring,&c); io_uring_cqe_seen(&ring,c); uint64_t v; read(efd,&v,8);
  atomic_store(&phase,0);
 }
 atomic_store(&phase,3); pthread_join(th,0);
 qsort(with,nw,8,cmp); qsort(plain,N,8,cmp);
 printf("getppid running a POLL_ADD's task_work: %.2f/%.2f/%.2f us (n=%d); with nothing pending: %.2f/%.2f/%.2f us\n",
  with[nw/10]/1e3,with[nw/2]/1e3,with[nw*9/10]/1e3,nw,plain[N/10]/1e3,plain[N/2]/1e3,plain[N*9/10]/1e3);
}
