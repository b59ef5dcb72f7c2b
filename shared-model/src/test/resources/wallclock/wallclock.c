/*
 * Preloaded into a process under test (LD_PRELOAD), it moves that process's wall clock by the
 * number of seconds written in the file named by WALLCLOCK_OFFSET_FILE (re-read at most every
 * 100 ms), as NTP stepping the system time would. Only CLOCK_REALTIME readings move: the monotonic
 * clock, and waits for a duration, run on untouched. See WallClock.java.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static _Atomic long long offset_seconds;
static _Atomic long long next_read_ns;

static long long now_ns(clockid_t id) {
  struct timespec ts;
  real_clock_gettime(id, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long offset(void) {
  long long mono = now_ns(CLOCK_MONOTONIC);
  if (mono >= atomic_load(&next_read_ns)) {
    atomic_store(&next_read_ns, mono + 100000000LL);
    const char *path = getenv("WALLCLOCK_OFFSET_FILE");
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
      char buf[32];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (n > 0) {
        buf[n] = 0;
        atomic_store(&offset_seconds, strtoll(buf, NULL, 10));
      }
    }
  }
  return atomic_load(&offset_seconds);
}

static void init(void) {
  if (!real_clock_gettime) {
    real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
  }
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  init();
  int r = real_clock_gettime(id, ts);
  if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
    ts->tv_sec += offset();
  }
  return r;
}

/* glibc declares tv non-null. */
int gettimeofday(struct timeval *tv, void *tz) {
  struct timespec ts;
  (void)tz;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
    return -1;
  }
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

time_t time(time_t *out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out) {
    *out = ts.tv_sec;
  }
  return ts.tv_sec;
}
