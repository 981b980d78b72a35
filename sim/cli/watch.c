/* Watching a long run (cmd.h, vs_cli_watch_*): while the simulations run
 * in the library, a thread of the command line redraws a progress line on
 * standard error every 200 ms, once the run has taken a second and only when
 * standard error is a terminal (so pipes, files and tests see nothing), and
 * Ctrl-C asks the simulations to stop at their next event (a second Ctrl-C
 * kills at once). Both only read or set the run's control (core/control.h):
 * what the run computes does not change. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "virtsim/core/units.h"
#include "virtsim/ui/progress.h"

#define DRAW_AFTER_S 1.0
#define REDRAW_NS (200 * 1000 * 1000L)
#define TICK_NS (50 * 1000 * 1000L)

/* The control of the command that runs now: the signal handler's only way to it. */
static struct vs_control *volatile signal_target;

static void on_sigint(int sig)
{
    struct vs_control *c = signal_target;
    if (!c || vs_control_stopped(c)) {
        /* The second Ctrl-C: stop now, the default way. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    vs_control_request_stop(c);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int terminal_width(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

static void *draw_loop(void *arg)
{
    struct vs_cli_watch *w = arg;
    long since_draw = REDRAW_NS;
    for (;;) {
        struct timespec tick = {0, TICK_NS};
        nanosleep(&tick, NULL);
        if (atomic_load(&w->quit)) break;
        since_draw += TICK_NS;
        double wall = seconds_since(&w->started);
        if (wall < DRAW_AFTER_S || since_draw < REDRAW_NS) continue;
        since_draw = 0;
        struct vs_progress p;
        vs_control_progress(w->control, &p);
        char line[256];
        vs_progress_format(&p, wall, terminal_width(fileno(w->err)), line, sizeof line);
        fprintf(w->err, "\r%s\033[K", line);
        fflush(w->err);
        w->drawn = true;
    }
    return NULL;
}

void vs_cli_watch_begin(struct vs_cli_watch *w, FILE *err, struct vs_control *control)
{
    memset(w, 0, sizeof *w);
    w->err = err;
    w->control = control;
    atomic_init(&w->quit, false);
    clock_gettime(CLOCK_MONOTONIC, &w->started);
    signal_target = control;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    w->have_old = sigaction(SIGINT, &sa, &w->old_sigint) == 0;
    /* Worker threads leave SIGINT to this one. */
    if (err && isatty(fileno(err)))
        w->drawing = pthread_create(&w->thread, NULL, draw_loop, w) == 0;
}

bool vs_cli_watch_end(struct vs_cli_watch *w)
{
    if (w->drawing) {
        atomic_store(&w->quit, true);
        pthread_join(w->thread, NULL);
        if (w->drawn) {
            fputs("\r\033[K", w->err);
            fflush(w->err);
        }
        w->drawing = false;
    }
    if (w->have_old) sigaction(SIGINT, &w->old_sigint, NULL);
    w->have_old = false;
    signal_target = NULL;
    return vs_control_stopped(w->control);
}

/* "1:05", "12:00:09": whole seconds. */
static void clock_text(double s, char *buf, size_t len)
{
    if (!(s >= 0) || s > 359999) s = 359999;
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* "950", "12.5k", "4.75M": events per second, three figures. */
static void count_text(double v, char *buf, size_t len)
{
    if (v >= 1e9)
        snprintf(buf, len, "%.3gG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, len, "%.3gM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, len, "%.3gk", v / 1e3);
    else
        snprintf(buf, len, "%.0f", v);
}

void vs_progress_format(const struct vs_progress *p, double wall_s, int width, char *buf, size_t len)
{
    char sim[32], total[32], rate[32], eta[32] = "", runs[32] = "";
    vs_units_format_time((double)p->done_ns, sim, sizeof sim);
    double per_s = wall_s > 0 ? (double)p->events / wall_s : 0;
    count_text(per_s, rate, sizeof rate);
    if (p->runs_planned > 1 || p->runs_started > 1)
        snprintf(runs, sizeof runs, "  runs %u/%u", p->runs_started,
                 p->runs_planned > p->runs_started ? p->runs_planned : p->runs_started);
    char tail[160];
    if (p->fraction >= 0) {
        vs_units_format_time((double)p->total_ns, total, sizeof total);
        if (p->fraction > 0) {
            clock_text(wall_s * (1 - p->fraction) / p->fraction, eta, sizeof eta);
        } else {
            snprintf(eta, sizeof eta, "?");
        }
        snprintf(tail, sizeof tail, " %3d%%  simulated %s of %s%s  %s events/s  %s left",
                 (int)(p->fraction * 100), sim, total, runs, rate, eta);
    } else {
        snprintf(tail, sizeof tail, "simulated %s%s  %s events/s", sim, runs, rate);
    }
    if (width < 20) width = 20;
    size_t room = (size_t)width - 1 < len ? (size_t)width - 1 : len - 1;
    /* The bar takes what the figures leave, between 10 and 30 columns. */
    int bar = p->fraction >= 0 ? (int)room - (int)strlen(tail) - 2 : 0;
    if (bar > 30) bar = 30;
    size_t used = 0;
    if (bar >= 10) {
        int full = (int)(p->fraction * bar + 1e-9);
        buf[used++] = '[';
        for (int k = 0; k < bar; k++) buf[used++] = k < full ? '#' : '.';
        buf[used++] = ']';
    }
    snprintf(buf + used, len - used, "%s", bar >= 10 ? tail : tail + (tail[0] == ' '));
    if (strlen(buf) > room) buf[room] = '\0';
}
