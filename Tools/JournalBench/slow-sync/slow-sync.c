/*
 * slow-sync: an LD_PRELOAD library that makes every fsync and fdatasync of a process take at least
 * SLOW_SYNC_MICROSECONDS longer, to measure CardGate's journal as it runs on a disk whose flush is slower than
 * this development VM's (about 0.2 ms): a SATA SSD that honours cache flushes, a RAID controller without a
 * battery, a spinning disk. The real call runs first; the delay is added after it.
 *
 *   cc -O2 -shared -fPIC -o slow-sync.so slow-sync.c -ldl
 *   SLOW_SYNC_MICROSECONDS=2000 LD_PRELOAD=$PWD/slow-sync.so journal-bench append ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static long delay_microseconds(void) {
    static long cached = -1;
    if (cached < 0) {
        const char *text = getenv("SLOW_SYNC_MICROSECONDS");
        long value = text ? strtol(text, NULL, 10) : 0;
        cached = value > 0 ? value : 0;
    }
    return cached;
}

static void pause_after_sync(void) {
    long microseconds = delay_microseconds();
    if (microseconds == 0) return;
    struct timespec wait = {microseconds / 1000000, (microseconds % 1000000) * 1000};
    while (nanosleep(&wait, &wait) != 0) {}
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int result = real(fd);
    pause_after_sync();
    return result;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int result = real(fd);
    pause_after_sync();
    return result;
}
